import { migrateQuery, QUERY_MODEL_VERSION } from '../../contract/query';
import type { LedgerQuery } from '../types';

/** True when a saved query was written by an older model version (or by no version at all). */
export function needsMigration(query: LedgerQuery): boolean {
  return query.version !== QUERY_MODEL_VERSION;
}

/**
 * Upgrades a saved query to the current model with the contract's `migrateQuery`, keeping Grafana's own fields
 * (refId, datasource, hide, …). The datasource runs it on every target before a query leaves the browser, and the
 * query editor runs it once on mount so that the next save stores the upgraded query.
 */
export function migrateLedgerQuery(query: LedgerQuery): LedgerQuery {
  return needsMigration(query) ? migrateQuery(query) : query;
}
