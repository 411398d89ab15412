/** Runs a jobs plan: SQL from jobsSql, the frame from jobsFrame. */
import { withReadOnlySession } from '../../db/session';
import type { CheckedFrame } from '../../frames/frame';
import type { ExecutionTarget } from '../execute';
import type { JobsPlan } from '../plan';
import { jobsFrame, type JobRow } from './jobsFrame';
import { jobsSql } from './jobsSql';

/** Executes one jobs listing. */
export async function runJobs(plan: JobsPlan, target: ExecutionTarget, signal: AbortSignal): Promise<CheckedFrame[]> {
  const statement = jobsSql(plan);
  const rows = await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => (await session.query<JobRow>(statement.text, statement.values)).rows,
    { signal }
  );
  const cut = rows.length > plan.limit;
  return [
    jobsFrame(
      cut ? rows.slice(0, plan.limit) : rows,
      statement.text,
      { uid: target.uid, name: target.name },
      cut ? plan.limit : undefined
    ),
  ];
}
