import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { event } from '../logs/testEvents';
import { buildAttempts } from './attempts';
import { buildSpans, type Span } from './spanTree';

const T0 = Date.UTC(2026, 10, 20, 10);
const shape = (spans: Span[]) =>
  spans.map(
    (s) =>
      `${s.traceId}/${s.spanId}<${s.parentSpanId} ${s.operationName} ${s.startMs - T0}+${s.durationMs} ${s.statusCode}`
  );
const tag = (span: Span | undefined, key: string) => span?.tags.find((t) => t.key === key)?.value;

describe('attempts', () => {
  it('pairs claims with their finish by trace id, else by time, and keeps an open attempt open', () => {
    const attempts = buildAttempts('j', [
      event('job.claimed', 5, { jobId: 'j', traceId: 'a' }),
      event('job.claimed', 20, { jobId: 'j' }),
      event('job.failed', 30, { jobId: 'j', traceId: 'a', name: 'E' }),
      event('llm.call', 40, { jobId: 'j' }),
    ]);
    assert.deepEqual(
      attempts.map((a) => [a.number, a.traceId, a.spanId, a.startMs - T0, a.endMs - T0, a.open, a.finish?.kind]),
      [
        [1, 'a', 'j:attempt-1', 5_000, 30_000, false, 'job.failed'],
        [2, 'j', 'j:attempt-2', 20_000, 40_000, true, undefined],
      ]
    );
  });

  it('starts an attempt that has no claim at its end minus its duration', () => {
    const [attempt] = buildAttempts('j', [event('job.completed', 10, { jobId: 'j', durationMs: 4_000, spanId: 's' })]);
    assert.deepEqual(
      [attempt!.startMs - T0, attempt!.endMs - T0, attempt!.spanId, attempt!.open],
      [6_000, 10_000, 's', false]
    );
  });

  it('ends an abandoned attempt at its requeue', () => {
    const [first, second] = buildAttempts('j', [
      event('job.claimed', 0, { jobId: 'j' }),
      event('job.requeued', 60, { jobId: 'j', name: 'stale heartbeat' }),
      event('job.claimed', 70, { jobId: 'j' }),
    ]);
    assert.deepEqual(
      [first!.endMs - T0, first!.open, first!.requeue?.name, second!.open],
      [60_000, false, 'stale heartbeat', true]
    );
  });
});

describe('buildSpans', () => {
  it('hangs traced work under a root whose claim and finish carry no trace id (one root, one trace)', () => {
    const spans = buildSpans([
      event('job.claimed', 0, { jobId: 'j', workerId: 'w' }),
      event('agent.loop', 19, { jobId: 'j', traceId: 't', spanId: 'loop', durationMs: 9_000 }),
      event('llm.call', 12, { jobId: 'j', traceId: 't', spanId: 'call', parentSpanId: 'loop', durationMs: 1_000 }),
      event('job.completed', 20, { jobId: 'j', durationMs: 20_000 }),
    ]);
    assert.deepEqual(shape(spans), [
      't/j:attempt-1< process-job 0+20000 1',
      't/loop<j:attempt-1 agent-loop 10000+9000 0',
      't/call<loop llm-call 11000+1000 0',
    ]);
  });

  it('ends a span at its occurred_at and nests calls without parent ids in the loop that contains them', () => {
    const spans = buildSpans([
      event('job.claimed', 0, { jobId: 'j', traceId: 't', spanId: 'root', workerId: 'w' }),
      event('agent.loop', 19, { jobId: 'j', traceId: 't', spanId: 'loop', durationMs: 9_000 }),
      event('llm.call', 12, { jobId: 'j', durationMs: 1_000, name: 'm' }),
      event('tool.call', 20.5, { jobId: 'j', durationMs: 500, name: 'read_file', parentSpanId: 'gone' }),
      event('job.completed', 25, { jobId: 'j', traceId: 't', spanId: 'root', durationMs: 25_000 }),
    ]);
    assert.deepEqual(shape(spans), [
      't/root< process-job 0+25000 1',
      't/loop<root agent-loop 10000+9000 0',
      't/ev-12000<loop llm-call 11000+1000 0',
      't/ev-20500<root tool-execution 20000+500 0',
    ]);
    assert.equal(spans[0]!.serviceName, 'w');
    assert.equal(spans[2]!.serviceName, 'llm');
  });

  it('marks an unfinished job as open and a requeued attempt as an error', () => {
    const spans = buildSpans([
      event('job.claimed', 0, { jobId: 'j', workerId: 'w1' }),
      event('job.requeued', 90, { jobId: 'j', name: 'stale heartbeat' }),
      event('job.claimed', 100, { jobId: 'j', workerId: 'w2' }),
      event('worker.heartbeat', 110, { jobId: 'j', workerId: 'w2' }),
    ]);
    assert.deepEqual(shape(spans), [
      'j/j:attempt-1< process-job 0+90000 2',
      'j/j:attempt-2< process-job 100000+10000 0',
    ]);
    assert.equal(spans[0]!.statusMessage, 'requeued: stale heartbeat');
    assert.equal(tag(spans[0], 'error'), true);
    assert.match(spans[1]!.warnings[0] ?? '', /has not finished/);
    assert.equal(tag(spans[1], 'heartbeats'), 1);
    assert.equal(tag(spans[1], 'status'), 'running');
  });

  it('qualifies span ids that two attempts reuse, keeping parents consistent', () => {
    const spans = buildSpans([
      event('job.claimed', 0, { jobId: 'j', traceId: 'a', spanId: 'job' }),
      event('agent.loop', 5, { jobId: 'j', traceId: 'a', spanId: 'loop', parentSpanId: 'job', durationMs: 1_000 }),
      event('job.failed', 10, { jobId: 'j', traceId: 'a', spanId: 'job', name: 'E' }),
      event('job.claimed', 20, { jobId: 'j', traceId: 'b', spanId: 'job' }),
      event('agent.loop', 25, { jobId: 'j', traceId: 'b', spanId: 'loop', parentSpanId: 'job', durationMs: 1_000 }),
      event('job.completed', 30, { jobId: 'j', traceId: 'b', spanId: 'job' }),
    ]);
    assert.deepEqual(
      spans.map((s) => `${s.spanId}<${s.parentSpanId}`),
      ['job@a<', 'loop@a<job@a', 'job@b<', 'loop@b<job@b']
    );
    assert.deepEqual(buildSpans([...[]], 'x'), []);
  });

  it('keeps spans of a trace that has no job, and attaches its other events as logs', () => {
    const spans = buildSpans(
      [
        event('agent.loop', 20, { traceId: 't', spanId: 'loop', durationMs: 10_000 }),
        event('tool.call', 12.1, {
          traceId: 't',
          spanId: 'c',
          parentSpanId: 'loop',
          durationMs: 100,
          status: 'denied',
        }),
        event('escalation', 13, { traceId: 't', parentSpanId: 'loop', name: 'needs approval' }),
        event('error', 13.5, { traceId: 't', spanId: 'c', name: 'PermissionError' }),
      ],
      't'
    );
    assert.deepEqual(shape(spans), ['t/loop< agent-loop 10000+10000 0', 't/c<loop tool-execution 12000+100 2']);
    assert.deepEqual(
      spans[0]!.logs.map((l) => [l.name, l.timestamp - T0]),
      [['escalation', 13_000]]
    );
    assert.deepEqual(
      spans[1]!.logs.map((l) => l.name),
      ['error']
    );
    assert.equal(spans[1]!.statusMessage, 'denied');
  });
});
