/** How the jobs editor names the listing's fields (the query and the frame use the contract's ids). */
import {
  JOB_NUMBER_FIELDS,
  JOB_SORT_FIELDS,
  type JobNumberField,
  type JobSortField,
  type JobWindow,
} from '../../../contract/query';

/** Label and unit of each sortable field; numeric fields are compared in this unit. */
export const JOB_FIELD_LABELS: Readonly<Record<JobSortField, { label: string; unit?: string }>> = {
  finished: { label: 'Finished at' },
  created: { label: 'Created at' },
  duration_ms: { label: 'Duration', unit: 'ms' },
  queue_ms: { label: 'Time in queue', unit: 'ms' },
  tokens_used: { label: 'Tokens used', unit: 'tokens' },
  token_cap: { label: 'Token cap', unit: 'tokens' },
  token_cap_used: { label: 'Share of token cap', unit: '%' },
  cost_usd: { label: 'Cost', unit: 'USD' },
  attempts: { label: 'Attempts' },
};

const option = <T extends JobSortField>(field: T) => ({
  value: field,
  label: JOB_FIELD_LABELS[field].label,
  description: JOB_FIELD_LABELS[field].unit ? `${field}, in ${JOB_FIELD_LABELS[field].unit}` : field,
});

/** Options of a condition's field. */
export const CONDITION_FIELD_OPTIONS = JOB_NUMBER_FIELDS.map((field) => option<JobNumberField>(field));

/** Options of the sort field. */
export const SORT_FIELD_OPTIONS = JOB_SORT_FIELDS.map((field) => option<JobSortField>(field));

/** Options of which jobs the time range selects. */
export const JOB_WINDOW_OPTIONS: Array<{ value: JobWindow; label: string; description: string }> = [
  { value: 'finished', label: 'Finished', description: 'Jobs that completed or failed in the time range' },
  { value: 'created', label: 'Created', description: 'Jobs created in the time range' },
  {
    value: 'active',
    label: 'Active',
    description: 'Jobs created before the end of the range and not finished before its start (running, queued)',
  },
];
