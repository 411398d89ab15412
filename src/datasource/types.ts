import type { DataSourceJsonData } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';

import type { LedgerQueryInput } from '../contract/query';
import type { LedgerJsonDataInput, SecureKey } from '../contract/settings';

/** A Ledger query as Grafana stores it: the shared model plus Grafana's own query fields. */
export type LedgerQuery = DataQuery & LedgerQueryInput & { timezone?: string };

/** Datasource jsonData as the frontend sees it. */
export type LedgerJsonData = DataSourceJsonData & LedgerJsonDataInput;

/** Secrets the config editor writes (never read back: Grafana only says which are set, in `secureJsonFields`). */
export type LedgerSecureJsonData = Partial<Record<SecureKey, string>>;
