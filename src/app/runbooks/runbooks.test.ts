import { runbookUrl } from '../../constants';
import { findRunbook, RUNBOOK_IDS, RUNBOOKS, runbookPath } from './index';

const ALERT_RUNBOOKS = [
  'high-failure-rate',
  'queue-backlog',
  'token-budget',
  'worker-heartbeat-missing',
  'database-latency',
  'slow-jobs',
  'slow-tools',
  'escalation-storm',
  'error-spike',
  'token-spike',
];

describe('runbooks', () => {
  it('has one runbook per alert, with unique ids', () => {
    expect([...RUNBOOK_IDS].sort()).toEqual([...ALERT_RUNBOOKS].sort());
    expect(new Set(RUNBOOK_IDS).size).toBe(RUNBOOK_IDS.length);
  });

  it('gives the three detailed runbooks several runnable, read-only diagnostic queries', () => {
    for (const id of ['high-failure-rate', 'queue-backlog', 'token-budget']) {
      const runbook = findRunbook(id)!;
      const queries = runbook.diagnosis.filter((step) => step.query);
      expect(queries.length).toBeGreaterThanOrEqual(4);
      for (const step of queries) {
        expect(step.query!.sql).toMatch(/^\s*SELECT\b/i);
        expect(step.query!.sql).not.toMatch(/\b(INSERT|UPDATE|DELETE|requeue_stale_jobs)\b/i);
      }
    }
  });

  it('leaves requeue_stale_jobs to an operator with the writer role', () => {
    const commands = RUNBOOKS.flatMap((runbook) => runbook.remediation).flatMap((step) =>
      step.command ? [step.command] : []
    );
    expect(commands).toContainEqual({ sql: "SELECT requeue_stale_jobs('5 minutes');", runAs: 'ledger_writer' });
  });

  it('links related runbooks that exist and routes each id under the app', () => {
    for (const runbook of RUNBOOKS) {
      for (const related of runbook.related ?? []) {
        expect(findRunbook(related)).toBeDefined();
      }
      expect(runbookPath(runbook.id)).toBe(runbookUrl(runbook.id));
      expect(runbookPath(runbook.id)).toBe(`/a/aicodeteam-ledger-app/runbooks/${runbook.id}`);
    }
  });
});
