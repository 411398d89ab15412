import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { LedgerDataSource } from './LedgerDataSource';
import type { LedgerJsonData, LedgerQuery, LedgerSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<LedgerDataSource, LedgerQuery, LedgerJsonData, LedgerSecureJsonData>(
  LedgerDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
