/**
 * Jobs → one table frame, one row per job. The `job` field links to the app's job page and to the job's trace in
 * Explore (the same internal link log lines carry); numbers carry their units, so a table panel reads well as is.
 */
import { PLUGIN_BASE_URL, ROUTES } from '../../../constants';
import { makeFrame, numberField, stringField, timeField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type DataLink, type FieldConfig, type Notice } from '../../frames/frame';
import { traceLink, type LinkTarget } from '../logs/logFrames';

/** One row of the listing as jobsSql selects it (pg returns float8 as numbers). */
export interface JobRow {
  id: string;
  status: string;
  mode: string | null;
  agent: string | null;
  worker_id: string | null;
  error_type: string | null;
  trace_id: string | null;
  created_ms: number;
  claimed_ms: number | null;
  finished_ms: number | null;
  duration_ms: number | null;
  queue_ms: number | null;
  tokens_used: number;
  token_cap: number | null;
  token_cap_used: number | null;
  cost_usd: number;
  attempts: number;
}

/** The link to a job's page in the app (`${__value.raw}` is the job id of the clicked cell). */
export const JOB_PAGE_LINK: DataLink = {
  title: 'Open job ${__value.raw}',
  url: `${PLUGIN_BASE_URL}/${ROUTES.job}/\${__value.raw}`,
};

const TOKENS: FieldConfig = { unit: 'suffix: tokens' };

/** Builds the jobs frame; `cutAt` is the limit when more jobs matched than were returned. */
export function jobsFrame(
  rows: readonly JobRow[],
  executedSql: string,
  target: LinkTarget,
  cutAt?: number
): CheckedFrame {
  const notices: Notice[] =
    cutAt === undefined
      ? []
      : [
          {
            severity: 'warning',
            text: `Showing the first ${cutAt} jobs; more match — narrow the time range or the filters, or raise the limit.`,
          },
        ];
  const trace = traceLink(target);
  const column = <K extends keyof JobRow>(key: K) => rows.map((row) => row[key]);
  const frame = makeFrame(
    [
      stringField('job', column('id'), { config: { links: trace ? [JOB_PAGE_LINK, trace] : [JOB_PAGE_LINK] } }),
      stringField('status', column('status')),
      stringField('mode', column('mode'), { nullable: true }),
      stringField('agent', column('agent'), { nullable: true }),
      stringField('worker', column('worker_id'), { nullable: true }),
      stringField('error_type', column('error_type'), { nullable: true }),
      timeField('created', column('created_ms')),
      timeField('claimed', column('claimed_ms'), { nullable: true }),
      timeField('finished', column('finished_ms'), { nullable: true }),
      numberField('duration_ms', column('duration_ms'), { nullable: true, config: { unit: 'ms' } }),
      numberField('queue_ms', column('queue_ms'), { nullable: true, config: { unit: 'ms' } }),
      numberField('tokens_used', column('tokens_used'), { storage: 'int64', config: TOKENS }),
      numberField('token_cap', column('token_cap'), { storage: 'int64', nullable: true, config: TOKENS }),
      numberField('token_cap_used', column('token_cap_used'), { nullable: true, config: { unit: 'percent' } }),
      numberField('cost_usd', column('cost_usd'), { config: { unit: 'currencyUSD' } }),
      numberField('attempts', column('attempts'), { storage: 'int32' }),
      stringField('trace_id', column('trace_id'), { nullable: true }),
    ],
    {
      name: 'jobs',
      meta: {
        preferredVisualisationType: 'table',
        executedQueryString: executedSql,
        ...(notices.length > 0 ? { notices } : {}),
      },
    }
  );
  return checkFrame(frame);
}
