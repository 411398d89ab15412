import React from 'react';
import { Stack, Text } from '@grafana/ui';

import { testIds } from '../../../testIds';
import type { ConfigSectionProps } from './configTypes';
import { NumberSettingField } from './NumberSettingField';

/** Connection pool, statement timeout, row limit and connect timeout. */
export function LimitsSection(props: ConfigSectionProps) {
  const ids = testIds.configEditor;
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">Connection limits</Text>
      <Stack direction="row" gap={2} wrap="wrap">
        <NumberSettingField
          {...props}
          setting="maxOpenConns"
          label="Pool size"
          description="Connections kept open to PostgreSQL (one more for live streams)."
          testId={ids.maxOpenConns}
        />
        <NumberSettingField
          {...props}
          setting="connectTimeoutMs"
          label="Connect timeout (ms)"
          description="How long to wait for a connection."
          testId={ids.connectTimeout}
        />
      </Stack>
      <Stack direction="row" gap={2} wrap="wrap">
        <NumberSettingField
          {...props}
          setting="statementTimeoutMs"
          label="Statement timeout (ms)"
          description="PostgreSQL cancels any query running longer."
          testId={ids.statementTimeout}
        />
        <NumberSettingField
          {...props}
          setting="rowLimit"
          label="Row limit"
          description="Most rows a SQL query may return; more is an error."
          testId={ids.rowLimit}
        />
      </Stack>
    </Stack>
  );
}
