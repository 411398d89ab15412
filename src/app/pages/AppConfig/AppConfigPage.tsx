import React, { useState } from 'react';
import type { AppPluginMeta, DataSourceInstanceSettings, PluginConfigPageProps } from '@grafana/data';
import { DataSourcePicker, getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, Stack, Text } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import { DATASOURCE_PLUGIN_ID, PLUGIN_ID } from '../../../constants';
import { resourceErrorMessage } from '../../../datasource/resources/ledgerResources';
import { testIds } from '../../../testIds';
import { chooseDatasourceUid } from '../../data/useLedgerDatasource';
import type { LedgerAppSettings } from '../../types';

type Props = PluginConfigPageProps<AppPluginMeta<LedgerAppSettings>>;

/** Saves the app's settings the way Grafana's plugin settings API expects, enabling the app. */
export async function saveAppSettings(settings: LedgerAppSettings, pinned: boolean | undefined): Promise<void> {
  await lastValueFrom(
    getBackendSrv().fetch({
      url: `/api/plugins/${PLUGIN_ID}/settings`,
      method: 'POST',
      data: { enabled: true, pinned: pinned ?? true, jsonData: settings },
      showErrorAlert: false,
    })
  );
}

/** The app's configuration page: which Ledger datasource the app's pages query. */
export function AppConfigPage({ plugin }: Props) {
  const settings = plugin.meta.jsonData ?? {};
  const [uid, setUid] = useState<string | undefined>(chooseDatasourceUid(settings));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  const save = async () => {
    setSaving(true);
    setError(undefined);
    try {
      await saveAppSettings({ ...settings, datasourceUid: uid }, plugin.meta.pinned);
      setSaved(true);
      // Grafana hands apps their settings at load time: reload so the pages see the new choice.
      window.location.reload();
    } catch (failure) {
      setError(resourceErrorMessage(failure));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div data-testid={testIds.appConfig.container}>
      <Stack direction="column" gap={2}>
        <Text element="h3">Ledger datasource</Text>
        <Field
          label="Datasource for the app's pages"
          description="The overview, runbook queries and job pages read from this datasource. Default: the first Ledger datasource."
        >
          <div data-testid={testIds.appConfig.datasource}>
            <DataSourcePicker
              pluginId={DATASOURCE_PLUGIN_ID}
              current={uid ?? null}
              noDefault
              width={40}
              placeholder="Choose a Ledger datasource"
              onChange={(ds: DataSourceInstanceSettings) => {
                setUid(ds.uid);
                setSaved(false);
              }}
            />
          </div>
        </Field>
        {error && (
          <Alert severity="error" title="Saving failed" data-testid={testIds.appConfig.error}>
            {error}
          </Alert>
        )}
        {saved && !error && (
          <Text color="success" data-testid={testIds.appConfig.saved}>
            Saved.
          </Text>
        )}
        <div>
          <Button
            onClick={save}
            disabled={saving || !uid}
            icon={saving ? 'spinner' : undefined}
            data-testid={testIds.appConfig.save}
          >
            Save settings
          </Button>
        </div>
      </Stack>
    </div>
  );
}
