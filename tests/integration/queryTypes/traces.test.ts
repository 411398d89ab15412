/** Traces queries against a real ledger: a job's span tree, one attempt by trace id, unknown ids, the frame shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { fromArrowIpc, toArrowIpc } from '../../../src/backend/frames/arrowIpc';
import type { CheckedFrame } from '../../../src/backend/frames/frame';
import { FIXTURE_EVENTS, T0 } from '../fixtures/queryTypesFixture';
import { createHarness, onlyFrame, values, type Harness } from './harness';

type Tag = { key: string; value: unknown };
interface Row {
  traceID: string;
  spanID: string;
  parentSpanID: string;
  operationName: string;
  serviceName: string;
  startTime: number;
  duration: number;
  tags: Tag[];
  statusCode: number;
  statusMessage: string;
  logs: Array<{ timestamp: number; name: string; fields: Tag[] }>;
  kind: string;
}

function rows(frame: CheckedFrame): Row[] {
  const names = frame.fields.map((f) => f.name);
  return values(frame, 'spanID').map(
    (_, i) => Object.fromEntries(names.map((name) => [name, values(frame, name)[i]])) as unknown as Row
  );
}
const tag = (row: Row | undefined, key: string) => row?.tags.find((t) => t.key === key)?.value;

describe('traces queries', () => {
  let h: Harness;
  before(async () => {
    h = await createHarness('traces', FIXTURE_EVENTS);
  });
  after(() => h?.close());

  it('shows a job as process-job → agent-loop → llm-call / tool-execution spans, every attempt', async () => {
    const frame = onlyFrame(
      (await h.query([{ refId: 'A', json: { queryType: 'traces', traceId: 'job-42' } }])).get('A')
    );
    assert.deepEqual(
      frame.fields.map((f) => `${f.name}:${f.type}`),
      [
        'traceID:string',
        'spanID:string',
        'parentSpanID:string',
        'operationName:string',
        'serviceName:string',
        'serviceTags:json',
        'startTime:number',
        'duration:number',
        'tags:json',
        'kind:string',
        'statusCode:number',
        'statusMessage:string',
        'logs:json',
        'warnings:json',
      ]
    );
    assert.equal(frame.meta?.preferredVisualisationType, 'trace');
    assert.equal(fromArrowIpc(toArrowIpc(frame)).fields.length, 14);

    const spans = rows(frame);
    const byId = new Map(spans.map((s) => [s.spanID, s]));
    const gpt = spans.find((s) => tag(s, 'model') === 'gpt-x');
    assert.deepEqual(
      spans.map((s) => `${s.traceID}/${s.spanID}<${s.parentSpanID} ${s.operationName}`),
      [
        'tr-42a/p42a< process-job',
        'tr-42a/l1<p42a agent-loop',
        'tr-42a/c1<l1 llm-call',
        'tr-42a/c2<l1 tool-execution',
        'tr-42a/c3<l1 tool-execution',
        'tr-42b/p42b< process-job',
        `tr-42b/${gpt?.spanID}<p42b llm-call`,
      ]
    );
    const first = byId.get('p42a')!;
    assert.equal(first.startTime, T0 + 5_000);
    assert.equal(first.duration, 61_200, 'claim to job.failed');
    assert.equal(first.statusCode, 2);
    assert.equal(first.statusMessage, 'TimeoutError: agent loop exceeded 60 s');
    assert.equal(tag(first, 'error'), true);
    assert.equal(tag(first, 'attempt'), 1);
    assert.equal(tag(first, 'queued_ms'), 5_000);
    assert.equal(tag(first, 'heartbeats'), 2);
    assert.deepEqual(
      first.logs.map((l) => l.name),
      ['job.requeued']
    );
    assert.equal(first.serviceName, 'w1');

    const loop = byId.get('l1')!;
    assert.equal(loop.startTime, T0 + 10_000, 'occurred_at is the start of the span (docs/ledger.md)');
    assert.equal(loop.duration, 30_000);
    assert.equal(loop.statusCode, 2, 'the RateLimitError of this span marks it');
    assert.deepEqual(
      loop.logs.map((l) => l.name),
      ['error', 'escalation']
    );

    const llm = byId.get('c1')!;
    assert.deepEqual([llm.startTime, llm.duration, llm.kind, llm.statusCode], [T0 + 18_000, 2_000, 'client', 1]);
    assert.deepEqual(
      [tag(llm, 'model'), tag(llm, 'tokens_in'), tag(llm, 'tokens_out'), tag(llm, 'cost_usd')],
      ['claude-sonnet', 1000, 200, 0.05]
    );
    const patch = byId.get('c3')!;
    assert.deepEqual(
      [patch.statusCode, tag(patch, 'error'), tag(patch, 'tool'), patch.statusMessage],
      [2, true, 'apply_patch', 'error: patch does not apply']
    );

    const second = byId.get('p42b')!;
    assert.deepEqual(
      [second.startTime, second.duration, second.statusCode, tag(second, 'attempt')],
      [T0 + 80_000, 20_000, 1, 2]
    );
    assert.deepEqual(
      second.logs.map((l) => l.name),
      ['conversation.message']
    );
  });

  it('shows only the attempt of a trace id', async () => {
    const frame = onlyFrame(
      (await h.query([{ refId: 'A', json: { queryType: 'traces', traceId: 'tr-42a' } }])).get('A')
    );
    assert.deepEqual(
      rows(frame).map((s) => s.spanID),
      ['p42a', 'l1', 'c1', 'c2', 'c3']
    );
  });

  it('gives a job without trace ids a synthetic trace, with its events as logs', async () => {
    const frame = onlyFrame(
      (await h.query([{ refId: 'A', json: { queryType: 'traces', traceId: ' job-7 ' } }])).get('A')
    );
    const [root] = rows(frame);
    assert.deepEqual(
      [root?.traceID, root?.spanID, root?.statusCode, root?.duration],
      ['job-7', 'job-7:attempt-1', 1, 58_000]
    );
    assert.deepEqual(
      root?.logs.map((l) => l.name),
      ['budget.exceeded']
    );
  });

  it('answers an unknown or hostile id with a 404 for that query only', async () => {
    const response = await h.query([
      { refId: 'A', json: { queryType: 'traces', traceId: 'job-404' } },
      { refId: 'B', json: { queryType: 'traces', traceId: `' OR 1=1 --` } },
      { refId: 'C', json: { queryType: 'traces', traceId: 'job-42' } },
      { refId: 'D', json: { queryType: 'traces', traceId: '   ' } },
    ]);
    assert.equal(response.get('A')?.error?.status, 404);
    assert.equal(
      response.get('A')?.error?.message,
      '[not found] no job or trace "job-404" in the ledger — check the id (a job id or a trace id; ids are case-sensitive)'
    );
    assert.equal(response.get('B')?.error?.status, 404);
    assert.equal(response.get('D')?.error?.status, 400);
    assert.equal(rows(onlyFrame(response.get('C'))).length, 7);
  });
});
