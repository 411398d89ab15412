import { useEffect, useState } from 'react';
import { usePluginContext } from '@grafana/data';
import { getDataSourceSrv } from '@grafana/runtime';

import { DATASOURCE_PLUGIN_ID } from '../../constants';
import type { LedgerDataSource } from '../../datasource/LedgerDataSource';
import type { LedgerAppSettings } from '../types';

/** The datasource the pages use: the one chosen on the configuration page, else the first Ledger datasource. */
export function chooseDatasourceUid(settings: LedgerAppSettings | undefined): string | undefined {
  if (settings?.datasourceUid) {
    return settings.datasourceUid;
  }
  return getDataSourceSrv().getList({ pluginId: DATASOURCE_PLUGIN_ID })[0]?.uid;
}

/** State of the lookup. */
export type LedgerDatasourceState =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'error'; message: string }
  | { status: 'ready'; datasource: LedgerDataSource };

/** Loads the Ledger datasource instance the app's pages query. */
export function useLedgerDatasource(): LedgerDatasourceState {
  const settings = usePluginContext()?.meta.jsonData as LedgerAppSettings | undefined;
  const uid = chooseDatasourceUid(settings);
  const [loaded, setLoaded] = useState<{ uid: string; state: LedgerDatasourceState }>();
  useEffect(() => {
    if (!uid) {
      return;
    }
    let cancelled = false;
    const settle = (state: LedgerDatasourceState) => !cancelled && setLoaded({ uid, state });
    getDataSourceSrv()
      .get(uid)
      .then((datasource) =>
        settle(
          datasource.type === DATASOURCE_PLUGIN_ID
            ? { status: 'ready', datasource: datasource as LedgerDataSource }
            : {
                status: 'error',
                message: `Datasource ${datasource.name} is not a Ledger datasource; choose one on the configuration page.`,
              }
        )
      )
      .catch((error: unknown) =>
        settle({
          status: 'error',
          message: `Cannot load the Ledger datasource (${uid}): ${error instanceof Error ? error.message : String(error)}`,
        })
      );
    return () => {
      cancelled = true;
    };
  }, [uid]);
  if (!uid) {
    return { status: 'missing' };
  }
  return loaded?.uid === uid ? loaded.state : { status: 'loading' };
}
