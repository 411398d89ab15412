/**
 * Grafana's datasource settings page around the plugin's config editor (its `components.ConfigEditor`, from
 * dist/datasource/module.js): name, the editor, "Save & test" and its result.
 */
import React, { useEffect, useState } from 'react';
import type { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';
import { getBackendSrv, getDataSourceSrv } from '@grafana/runtime';
import { Alert, Box, Button, Field, Input, Stack, Text } from '@grafana/ui';

import type { LedgerJsonData, LedgerSecureJsonData } from '../../../../src/datasource/types';
import { hostConfig } from '../hostConfig';

type Settings = DataSourceSettings<LedgerJsonData, LedgerSecureJsonData>;

export function ConfigEditorHarness() {
  const uid = hostConfig().datasources[0]!.uid;
  const [settings, setSettings] = useState<Settings>();
  const [test, setTest] = useState<{ status: 'success' | 'error'; message: string } | 'testing'>();
  const [ConfigEditor, setConfigEditor] =
    useState<React.ComponentType<DataSourcePluginOptionsEditorProps<LedgerJsonData, LedgerSecureJsonData>>>();

  useEffect(() => {
    getBackendSrv().get<Settings>(`/api/datasources/uid/${uid}`).then(setSettings);
    getDataSourceSrv()
      .get(uid)
      .then((datasource) => setConfigEditor(() => datasource.components!.ConfigEditor as typeof ConfigEditor));
  }, [uid]);

  const saveAndTest = async () => {
    if (!settings) {
      return;
    }
    setTest('testing');
    // Grafana saves first, then runs the health check against what was saved.
    const saved = await getBackendSrv().put<{ datasource: Settings }>(`/api/datasources/uid/${uid}`, settings);
    setSettings(saved.datasource);
    const datasource = await getDataSourceSrv().get(uid);
    try {
      const result = await datasource.testDatasource();
      setTest({ status: 'success', message: result.message });
    } catch (error) {
      setTest({ status: 'error', message: (error as { message?: string }).message ?? String(error) });
    }
  };

  if (!settings || !ConfigEditor) {
    return null;
  }
  return (
    <Box padding={3} data-testid="harness">
      <Stack direction="column" gap={2}>
        <Text element="h2">Settings: {settings.name}</Text>
        <Field label="Name">
          <Input
            width={40}
            value={settings.name}
            onChange={(event) => setSettings({ ...settings, name: event.currentTarget.value })}
          />
        </Field>
        <ConfigEditor options={settings} onOptionsChange={setSettings} />
        {test && test !== 'testing' && (
          <div data-testid="harness-health" data-status={test.status}>
            <Alert
              severity={test.status}
              title={test.status === 'success' ? 'Data source is working' : 'Data source test failed'}
            >
              {test.message}
            </Alert>
          </div>
        )}
        <div>
          <Button onClick={saveAndTest} disabled={test === 'testing'} data-testid="harness-save-test">
            Save &amp; test
          </Button>
        </div>
      </Stack>
    </Box>
  );
}
