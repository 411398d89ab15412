import React from 'react';
import {
  onUpdateDatasourceJsonDataOption,
  onUpdateDatasourceOption,
  updateDatasourcePluginResetOption,
} from '@grafana/data';
import { Field, Input, SecretInput, Stack, Text } from '@grafana/ui';

import { SETTINGS_DEFAULTS } from '../../../contract/settings';
import { testIds } from '../../../testIds';
import { INPUT_WIDTH, type ConfigSectionProps } from './configTypes';

/** Host and port, database, user and password: the same keys as Grafana's PostgreSQL datasource. */
export function ConnectionSection(props: ConfigSectionProps) {
  const { options, errors, onTouched } = props;
  const ids = testIds.configEditor;
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">Connection</Text>
      <Field
        label="Host URL"
        description={`host:port of the PostgreSQL server holding the ledger; the port defaults to ${SETTINGS_DEFAULTS.port}.`}
        required
        invalid={Boolean(errors.url)}
        error={errors.url}
      >
        <Input
          id="ledger-config-host"
          data-testid={ids.host}
          width={INPUT_WIDTH}
          value={options.url ?? ''}
          placeholder={`localhost:${SETTINGS_DEFAULTS.port}`}
          onChange={onUpdateDatasourceOption(props, 'url')}
          onBlur={() => onTouched('url')}
        />
      </Field>
      <Field
        label="Database"
        description="Name of the database with the ledger schema."
        required
        invalid={Boolean(errors.database)}
        error={errors.database}
      >
        <Input
          id="ledger-config-database"
          data-testid={ids.database}
          width={INPUT_WIDTH}
          value={options.jsonData.database ?? ''}
          placeholder="ledger"
          onChange={onUpdateDatasourceJsonDataOption(props, 'database')}
          onBlur={() => onTouched('database')}
        />
      </Field>
      <Stack direction="row" gap={2} wrap="wrap">
        <Field
          label="User"
          description="A member of ledger_reader."
          required
          invalid={Boolean(errors.user)}
          error={errors.user}
        >
          <Input
            id="ledger-config-user"
            data-testid={ids.user}
            width={(INPUT_WIDTH * 3) / 4}
            value={options.user ?? ''}
            placeholder="grafana_reader"
            onChange={onUpdateDatasourceOption(props, 'user')}
            onBlur={() => onTouched('user')}
          />
        </Field>
        <Field label="Password" description="Stored encrypted; never sent back to the browser.">
          <SecretInput
            id="ledger-config-password"
            data-testid={ids.password}
            width={(INPUT_WIDTH * 3) / 4}
            isConfigured={Boolean(options.secureJsonFields?.password)}
            value={options.secureJsonData?.password ?? ''}
            placeholder="Password"
            autoComplete="new-password"
            onChange={(event) =>
              props.onOptionsChange({
                ...options,
                secureJsonData: { ...options.secureJsonData, password: event.currentTarget.value },
              })
            }
            onReset={() => updateDatasourcePluginResetOption(props, 'password')}
          />
        </Field>
      </Stack>
    </Stack>
  );
}
