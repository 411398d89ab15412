/** Logs queries against a real ledger: frame shape, order, limit, search, filters, severity, body, labels, link. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { fromArrowIpc, toArrowIpc } from '../../../src/backend/frames/arrowIpc';
import { FIXTURE_EVENTS, FIXTURE_RANGE, HOSTILE_JOB, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, field, onlyFrame, values, type Harness } from './harness';

const SEARCH_TEXT = `concat_ws(' ', kind, job_id, worker_id, mode, agent, trace_id, span_id, name, status, conversation_id, payload::text)`;

describe('logs queries', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('logs', [
      ...FIXTURE_EVENTS,
      { kind: 'insight', occurredAt: '2026-11-20T09:00:00.123456Z', name: 'precise', value: 0.5 },
    ]);
  });
  after(() => h?.close());

  /** Independent count of events in the fixture range whose text contains every term (case-insensitive). */
  async function expectedMatches(terms: string[]): Promise<number> {
    const conditions = terms.map((_, i) => `strpos(lower(${SEARCH_TEXT}), lower($${i + 3})) > 0`).join(' AND ');
    const { rows } = await h.admin.query(
      `SELECT count(*)::int AS n FROM ledger_events WHERE occurred_at >= $1 AND occurred_at < $2${conditions ? ` AND ${conditions}` : ''}`,
      [new Date(FIXTURE_RANGE.from), new Date(FIXTURE_RANGE.to), ...terms]
    );
    return rows[0].n;
  }

  it('returns a data-plane log-lines frame, newest first, that survives Arrow encoding', async () => {
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs' } }])).get('A'));
    assert.deepEqual(
      frame.fields.map((f) => [f.name, f.type, f.nullable]),
      [
        ['timestamp', 'time', false],
        ['body', 'string', false],
        ['severity', 'string', false],
        ['id', 'string', false],
        ['labels', 'json', false],
        ['trace', 'string', true],
      ]
    );
    assert.equal(frame.meta?.type, 'log-lines');
    assert.deepEqual(frame.meta?.typeVersion, [0, 0]);
    assert.equal(frame.meta?.preferredVisualisationType, 'logs');
    assert.match(frame.meta?.executedQueryString ?? '', /ORDER BY e\.occurred_at DESC/);
    const times = values<number>(frame, 'timestamp');
    assert.equal(times.length, await expectedMatches([]));
    assert.ok(
      times.every((t, i) => i === 0 || times[i - 1]! >= t),
      'newest first'
    );
    assert.equal(frame.meta?.notices, undefined, 'no notice when nothing was cut');
    const decoded = fromArrowIpc(toArrowIpc(frame));
    assert.equal(decoded.fields.length, 6);
  });

  it('keeps microseconds as nanos of the timestamp', async () => {
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs', search: 'precise' } }])).get('A'));
    assert.deepEqual(values(frame, 'timestamp'), [Date.UTC(2026, 10, 20, 9, 0, 0, 123)]);
    const timestamp = field(frame, 'timestamp');
    assert.equal(timestamp.type === 'time' ? Array.from(timestamp.nanos ?? [])[0] : undefined, 456_000);
  });

  it('writes a body, severity and labels that read well per kind', async () => {
    const frame = onlyFrame(
      (
        await h.query([
          { refId: 'A', json: { queryType: 'logs', filters: [{ key: 'job', operator: '=', value: 'job-42' }] } },
        ])
      ).get('A')
    );
    const bodies = values<string>(frame, 'body');
    const severities = values<string>(frame, 'severity');
    const labels = values<Record<string, string>>(frame, 'labels');
    const failed = bodies.findIndex((b) => b.startsWith('job.failed'));
    assert.equal(
      bodies[failed],
      'job.failed job-42 (mode genius) on worker w1: TimeoutError after 61.2 s: agent loop exceeded 60 s'
    );
    assert.equal(severities[failed], 'critical');
    assert.deepEqual(labels[failed], {
      kind: 'job.failed',
      job: 'job-42',
      worker: 'w1',
      mode: 'genius',
      error_type: 'TimeoutError',
      trace_id: 'tr-42a',
    });
    const bySeverity = Object.fromEntries(
      bodies.map((b, i) => [b.split(' ')[0] + (b.includes('apply_patch') ? ':patch' : ''), severities[i]])
    );
    assert.equal(bySeverity['tool.call:patch'], 'error', 'a failed tool call is an error');
    assert.equal(bySeverity['escalation'], 'warning');
    assert.equal(bySeverity['worker.heartbeat'], 'debug');
    assert.equal(bySeverity['job.completed'], 'info');
    assert.ok(
      bodies.includes('llm.call claude-sonnet for job-42 ok: 1000 in / 200 out tokens, $0.0500, 2.0 s'),
      bodies.join('\n')
    );
    assert.ok(bodies.includes('tool.call apply_patch for job-42: error in 1.2 s: patch does not apply'));
    assert.ok(bodies.includes('conversation.message user in c-42 (job-42): please fix the tests'));
  });

  it('links every line with a job or trace to its trace on the same datasource', async () => {
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs' } }])).get('A'));
    const trace = field(frame, 'trace');
    assert.deepEqual(trace.config?.links, [
      {
        title: 'Open trace',
        url: '',
        internal: {
          datasourceUid: 'ledger-test',
          datasourceName: 'Ledger',
          query: { refId: 'trace', queryType: 'traces', traceId: '${__value.raw}' },
        },
      },
    ]);
    const labels = values<Record<string, string>>(frame, 'labels');
    values<string | null>(frame, 'trace').forEach((key, i) =>
      assert.equal(key, labels[i]!.job ?? labels[i]!.trace_id ?? null)
    );
  });

  it('cuts at the limit and says so', async () => {
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs', limit: 3 } }])).get('A'));
    assert.equal(values(frame, 'id').length, 3);
    assert.equal(frame.meta?.notices?.[0]?.severity, 'warning');
    assert.match(frame.meta?.notices?.[0]?.text ?? '', /newest 3 lines; more events match/);
  });

  it('searches case-insensitively, every term, with LIKE wildcards taken literally', async () => {
    for (const search of [
      'TIMEOUTERROR',
      'timeouterror job-42',
      '100%_',
      '_',
      '%',
      '\\',
      'ünï 😀',
      `"it's \\"quoted"`,
      'read_file%',
      'no such text',
    ]) {
      const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs', search } }])).get('A'));
      const terms = [...search.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!).filter((t) => t.trim() !== '');
      assert.equal(values(frame, 'id').length, await expectedMatches(terms), `search ${search}`);
    }
    const percent = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs', search: '100%_' } }])).get('A'));
    assert.deepEqual(
      values<Record<string, string>>(percent, 'labels').map((l) => l.job),
      [HOSTILE_JOB]
    );
  });

  it('applies dimension filters', async () => {
    const response = await h.query([
      {
        refId: 'A',
        json: {
          queryType: 'logs',
          filters: [
            { key: 'worker', operator: 'in', value: ['w1', 'w2'] },
            { key: 'kind', operator: '=~', value: '^job\\.' },
          ],
        },
      },
      { refId: 'B', json: { queryType: 'logs', filters: [{ key: 'tool', operator: '=', value: 'read_file' }] } },
    ]);
    const a = onlyFrame(response.get('A'));
    const labels = values<Record<string, string>>(a, 'labels');
    assert.deepEqual(labels.map((l) => `${l.kind}@${l.worker}`).sort(), [
      'job.claimed@w1',
      'job.claimed@w2',
      'job.completed@w2',
      'job.failed@w1',
    ]);
    const b = onlyFrame(response.get('B'));
    assert.deepEqual(
      values<Record<string, string>>(b, 'labels').map((l) => l.tool),
      ['read_file']
    );
  });

  it('narrows to the time range (half-open)', async () => {
    const range = { from: T0 + 30_000, to: T0 + 35_000 };
    const frame = onlyFrame((await h.query([{ refId: 'A', json: { queryType: 'logs' }, range }])).get('A'));
    assert.deepEqual(values<string>(frame, 'body'), ['tool.call read_file for job-42: ok in 40 ms']);
  });
});
