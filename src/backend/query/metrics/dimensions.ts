/**
 * Dimension → ledger column. The only way a dimension name becomes SQL: a fixed table, never input.
 * `name` holds a different fact per event kind (tool, model, error type, role, category, reason), so those
 * dimensions read the same column; a metric only offers the ones that mean something for its events.
 */
import type { Dimension } from '../../../contract/query';

/** Column of `ledger_events` behind each dimension. */
export const DIMENSION_COLUMNS: Readonly<Record<Dimension, string>> = {
  mode: 'mode',
  agent: 'agent',
  worker: 'worker_id',
  tool: 'name',
  model: 'name',
  status: 'status',
  kind: 'kind',
  error_type: 'name',
  role: 'name',
  category: 'name',
  reason: 'name',
  job: 'job_id',
};

/** Label value used for a NULL dimension (labels must be strings; an empty label would vanish in alerting). */
export const NULL_LABEL = '(none)';
