/** The shape of a runbook page. Content lives in data modules beside this file, one per alert family. */

/** A read-only query an operator can run from the page (as a `sql` query through the Ledger datasource). */
export interface DiagnosticQuery {
  sql: string;
  /** What to look for in the result. */
  readingHint?: string;
}

/** One step: what to do, and optionally the query that does it. */
export interface RunbookStep {
  title: string;
  text: string;
  query?: DiagnosticQuery;
}

/** A fix. `command` is run by an operator (psql, writer role), never by the read-only datasource. */
export interface RemediationStep {
  title: string;
  text: string;
  command?: { sql: string; runAs: 'ledger_writer' };
}

/** One runbook, reachable at /a/aicodeteam-ledger-app/runbooks/<id>. */
export interface Runbook {
  id: string;
  title: string;
  /** The alert rule this runbook answers, and its condition in words. */
  alert: string;
  severity: 'critical' | 'warning';
  summary: string;
  symptoms: string[];
  diagnosis: RunbookStep[];
  remediation: RemediationStep[];
  /** Other runbooks worth a look. */
  related?: string[];
}

/** The sweep that gives jobs of dead workers back to the queue (appends job.requeued events; needs ledger_writer). */
export const REQUEUE_STALE_JOBS: RemediationStep['command'] = {
  sql: "SELECT requeue_stale_jobs('5 minutes');",
  runAs: 'ledger_writer',
};
