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
