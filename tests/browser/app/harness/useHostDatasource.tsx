import { useEffect, useState } from 'react';
import { getDataSourceSrv } from '@grafana/runtime';

import type { LedgerDataSource } from '../../../../src/datasource/LedgerDataSource';
import { hostConfig } from '../hostConfig';

/** The host's Ledger datasource instance (the first one), as Grafana hands it to editors. */
export function useHostDatasource(): LedgerDataSource | undefined {
  const [datasource, setDatasource] = useState<LedgerDataSource>();
  useEffect(() => {
    getDataSourceSrv()
      .get(hostConfig().datasources[0]?.uid)
      .then((ds) => setDatasource(ds as LedgerDataSource));
  }, []);
  return datasource;
}

/** The window the harness panels query: the fixture's two hours up to now. */
export function harnessRange() {
  const now = Date.now();
  return { from: now - 2 * 3_600_000, to: now };
}
