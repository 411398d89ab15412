import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { formatDuration, kindsNamedBy, payloadMessage } from './eventRow';
import { bodyOf, labelsOf, severityOf, traceKeyOf } from './eventText';
import { event } from './testEvents';

const job = { jobId: 'job-42', mode: 'genius', workerId: 'w1' };

describe('log line text', () => {
  const cases: Array<{ e: ReturnType<typeof event>; body: string; severity: string }> = [
    {
      e: event('job.created', 0, { ...job, workerId: null }),
      body: 'job.created job-42 (mode genius) queued',
      severity: 'info',
    },
    { e: event('job.claimed', 0, job), body: 'job.claimed job-42 (mode genius) by worker w1', severity: 'info' },
    {
      e: event('job.completed', 0, { ...job, durationMs: 20_000 }),
      body: 'job.completed job-42 (mode genius) on worker w1 in 20.0 s',
      severity: 'info',
    },
    {
      e: event('job.failed', 0, { ...job, name: 'TimeoutError', durationMs: 61_200 }),
      body: 'job.failed job-42 (mode genius) on worker w1: TimeoutError after 61.2 s',
      severity: 'critical',
    },
    {
      e: event('job.requeued', 0, { jobId: 'job-42', name: 'stale heartbeat' }),
      body: 'job.requeued job-42: stale heartbeat',
      severity: 'warning',
    },
    { e: event('worker.heartbeat', 0, { workerId: 'w1' }), body: 'worker.heartbeat w1 idle', severity: 'debug' },
    {
      e: event('worker.heartbeat', 0, { workerId: 'w1', jobId: 'job-42' }),
      body: 'worker.heartbeat w1 running job-42',
      severity: 'debug',
    },
    {
      e: event('agent.loop', 0, { agent: 'coder', jobId: 'job-42', durationMs: 3_200 }),
      body: 'agent.loop coder for job-42 in 3.2 s',
      severity: 'info',
    },
    {
      e: event('agent.loop', 0, { agent: 'coder', status: 'failed' }),
      body: 'agent.loop coder failed',
      severity: 'error',
    },
    {
      e: event('llm.call', 0, {
        name: 'claude',
        jobId: 'job-42',
        status: 'ok',
        tokensIn: 10,
        tokensOut: 5,
        costUsd: 0.001,
        durationMs: 900,
      }),
      body: 'llm.call claude for job-42 ok: 10 in / 5 out tokens, $0.0010, 900 ms',
      severity: 'info',
    },
    {
      e: event('llm.call', 0, { name: 'claude', status: 'timeout' }),
      body: 'llm.call claude timeout',
      severity: 'error',
    },
    {
      e: event('tool.call', 0, { name: 'read_file', status: 'ok', durationMs: 40 }),
      body: 'tool.call read_file: ok in 40 ms',
      severity: 'info',
    },
    {
      e: event('tool.call', 0, { name: 'apply_patch', status: 'Error', payload: { error: 'conflict' } }),
      body: 'tool.call apply_patch: Error: conflict',
      severity: 'error',
    },
    {
      e: event('escalation', 0, { jobId: 'job-42', name: 'needs approval' }),
      body: 'escalation for job-42: needs approval',
      severity: 'warning',
    },
    {
      e: event('error', 0, { name: 'RateLimitError', payload: { message: '  slow\n down ' } }),
      body: 'error RateLimitError: slow down',
      severity: 'error',
    },
    {
      e: event('budget.exceeded', 0, { jobId: 'job-7', value: 9000, payload: { token_cap: 8000 } }),
      body: 'budget.exceeded job-7: 9000 tokens used, cap 8000',
      severity: 'warning',
    },
    {
      e: event('conversation.message', 0, {
        name: 'user',
        conversationId: 'c1',
        jobId: 'job-42',
        payload: { text: 'hi' },
      }),
      body: 'conversation.message user in c1 (job-42): hi',
      severity: 'info',
    },
    {
      e: event('insight', 0, { name: 'flaky-test', value: 0.8 }),
      body: 'insight flaky-test (confidence 0.80)',
      severity: 'info',
    },
    { e: event('something.new', 0, { jobId: 'j' }), body: 'something.new for j', severity: 'info' },
  ];
  for (const { e, body, severity } of cases) {
    it(`${e.kind}: ${body}`, () => {
      assert.equal(bodyOf(e), body);
      assert.equal(severityOf(e), severity);
    });
  }

  it('labels an event with its dimensions, naming `name` by kind', () => {
    assert.deepEqual(labelsOf(event('tool.call', 0, { ...job, name: 'read_file', status: 'ok', traceId: 't1' })), {
      kind: 'tool.call',
      job: 'job-42',
      worker: 'w1',
      mode: 'genius',
      tool: 'read_file',
      status: 'ok',
      trace_id: 't1',
    });
    assert.deepEqual(labelsOf(event('conversation.message', 0, { name: 'user', conversationId: 'c1' })), {
      kind: 'conversation.message',
      role: 'user',
      conversation: 'c1',
    });
    assert.deepEqual(labelsOf(event('weird', 0, { name: 'x' })), { kind: 'weird', name: 'x' });
  });

  it('links to the job, else the trace', () => {
    assert.equal(traceKeyOf(event('llm.call', 0, { jobId: 'j', traceId: 't' })), 'j');
    assert.equal(traceKeyOf(event('agent.loop', 0, { traceId: 't' })), 't');
    assert.equal(traceKeyOf(event('insight', 0)), null);
  });

  it('has helpers that read payloads, durations and name dimensions', () => {
    assert.equal(payloadMessage(event('error', 0, { payload: { message: 'x'.repeat(600) } }))?.length, 500);
    assert.equal(payloadMessage(event('error', 0, { payload: { message: 42, text: 't' } })), 't');
    assert.deepEqual([999, 1000, 119_999, 120_000, 7_200_000].map(formatDuration), [
      '999 ms',
      '1.0 s',
      '120.0 s',
      '2.0 min',
      '2.0 h',
    ]);
    assert.deepEqual(kindsNamedBy('error_type'), ['job.failed', 'error']);
    assert.equal(kindsNamedBy('mode'), undefined);
  });
});
