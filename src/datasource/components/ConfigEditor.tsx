import React, { useCallback, useMemo, useState } from 'react';
import { Divider, Stack } from '@grafana/ui';

import { testIds } from '../../testIds';
import { BudgetSection } from './config/BudgetSection';
import { ConnectionSection } from './config/ConnectionSection';
import type { LedgerConfigProps } from './config/configTypes';
import { LimitsSection } from './config/LimitsSection';
import { StreamingSection } from './config/StreamingSection';
import { TlsSection } from './config/TlsSection';
import { validateSettings, type SettingsField } from './config/validateSettings';

const REQUIRED: readonly SettingsField[] = ['url', 'database', 'user'];

/**
 * The datasource's settings page. Grafana renders the name field above it and "Save & test" below it; the health
 * check's words appear there unchanged.
 */
export function ConfigEditor(props: LedgerConfigProps) {
  const { options } = props;
  const [touched, setTouched] = useState<ReadonlySet<SettingsField>>(new Set());
  const onTouched = useCallback((field: SettingsField) => setTouched((previous) => new Set(previous).add(field)), []);
  const errors = useMemo(() => {
    const all = validateSettings({ url: options.url, user: options.user, jsonData: options.jsonData });
    // "X is required" waits until the field was visited; a wrong value is shown at once.
    for (const field of REQUIRED) {
      if (!touched.has(field) && all[field]?.includes('required')) {
        delete all[field];
      }
    }
    return all;
  }, [options.url, options.user, options.jsonData, touched]);

  const sectionProps = { ...props, errors, onTouched };
  return (
    <div data-testid={testIds.configEditor.container}>
      <Stack direction="column" gap={2}>
        <ConnectionSection {...sectionProps} />
        <Divider />
        <TlsSection {...sectionProps} />
        <Divider />
        <LimitsSection {...sectionProps} />
        <Divider />
        <StreamingSection {...sectionProps} />
        <Divider />
        <BudgetSection {...sectionProps} />
      </Stack>
    </div>
  );
}
