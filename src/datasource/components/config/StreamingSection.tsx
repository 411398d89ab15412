import React from 'react';
import type { SelectableValue } from '@grafana/data';
import { Field, RadioButtonGroup, Stack, Text } from '@grafana/ui';

import { SETTINGS_DEFAULTS, type StreamMode } from '../../../contract/settings';
import { testIds } from '../../../testIds';
import type { ConfigSectionProps } from './configTypes';
import { NumberSettingField } from './NumberSettingField';

const STREAM_MODE_OPTIONS: Array<SelectableValue<StreamMode>> = [
  { label: 'Auto', value: 'auto', description: 'LISTEN/NOTIFY, polling when LISTEN is impossible' },
  { label: 'LISTEN/NOTIFY', value: 'listen', description: 'Push from PostgreSQL; needs a session-pooled connection' },
  { label: 'Polling', value: 'poll', description: 'Ask for new rows every interval (works behind any pooler)' },
];

/** How live panels learn about new ledger rows. */
export function StreamingSection(props: ConfigSectionProps) {
  const { options, onOptionsChange } = props;
  const mode = options.jsonData.streamMode ?? SETTINGS_DEFAULTS.streamMode;
  return (
    <Stack direction="column" gap={1}>
      <Text element="h3">Live streaming</Text>
      <Field
        label="Streaming mode"
        description={STREAM_MODE_OPTIONS.find((option) => option.value === mode)?.description}
      >
        <div data-testid={testIds.configEditor.streamMode}>
          <RadioButtonGroup
            options={STREAM_MODE_OPTIONS}
            value={mode}
            onChange={(value) => onOptionsChange({ ...options, jsonData: { ...options.jsonData, streamMode: value } })}
          />
        </div>
      </Field>
      {mode !== 'listen' && (
        <NumberSettingField
          {...props}
          setting="streamPollIntervalMs"
          label={mode === 'poll' ? 'Polling interval (ms)' : 'Fallback polling interval (ms)'}
          description="How often to look for new rows when polling."
          testId={testIds.configEditor.streamPollInterval}
        />
      )}
    </Stack>
  );
}
