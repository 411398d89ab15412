import { CoreApp } from '@grafana/data';

import { DEFAULT_QUERY } from '../../contract/query';
import type { LedgerQuery } from '../types';

/**
 * The query a new panel, Explore pane or alert rule starts with: jobs completed by mode, so data shows at once.
 * Alert rules need one value per series, so there the default format is `instant`.
 */
export function defaultQueryFor(app?: CoreApp | string): Partial<LedgerQuery> {
  const query: Partial<LedgerQuery> = { ...DEFAULT_QUERY, groupBy: [...(DEFAULT_QUERY.groupBy ?? [])], filters: [] };
  if (app === CoreApp.UnifiedAlerting || app === CoreApp.CloudAlerting) {
    query.format = 'instant';
  }
  return query;
}
