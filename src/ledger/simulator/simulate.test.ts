/**
 * The simulator is deterministic (same scenario, seed, scale and window → byte-identical events, pinned by SHA-256
 * so a change in generation shows up in review) and writes well-formed ledgers: valid events in time order, spans
 * nested process-job → agent-loop → llm-call / tool-execution, a heartbeat every few seconds per worker.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { parseLedgerEvents, type LedgerEvent } from '../ledgerEvent';
import { simulate, workerCount } from './engine';
import { parseDuration } from './scenario';
import { loadScenario, SCENARIO_NAMES } from './scenarios/index';

const START = Date.UTC(2026, 10, 2, 8);
const HOUR = 3_600_000;
const at = (e: LedgerEvent) => (e.occurredAt as Date).getTime();

function run(name: string, seed = 42, hours = 1, scale = 0.5): LedgerEvent[] {
  return [...simulate({ scenario: loadScenario(name), seed, scale, start: START, end: START + hours * HOUR })];
}

function sha256(events: readonly LedgerEvent[]): string {
  const hash = createHash('sha256');
  events.forEach((event) => hash.update(`${JSON.stringify(event)}\n`));
  return hash.digest('hex');
}

/** A scenario's whole default window from START at scale 0.25 (what the golden hashes cover). */
function runWindow(name: string, seed = 42): LedgerEvent[] {
  const scenario = loadScenario(name);
  const end = START + parseDuration(scenario.window);
  return [...simulate({ scenario, seed, scale: 0.25, start: START, end })];
}

/**
 * SHA-256 of each scenario's default window from 2026-11-02T08:00Z at scale 0.25, seed 42 (JSON lines). A change
 * here means the generated data changed: intended changes update the hashes (and the README if the signals move).
 */
const GOLDEN: Readonly<Record<string, string>> = {
  steady: 'c85a87c127da93f08c4f4c7e6a65232bdee22b43aacc9c15deac8316f1666b0e',
  'failure-spike': 'bf7a346712ab903ed94d93d0a78351cc3f3944aeb214f84b4bc24e7d67bf94b3',
  'queue-backlog': 'b2da33697873ef11e55f67ea5e45725edaf768afd12be25d5dba7c81bf00fa41',
  'token-spike': '28b5c29fadce8236a1730840bd96e0bd2cd7f2cf69f1df9f6816ec6e391a24dd',
  'worker-down': '35329ea61f9ae7fb6b5acb525d5843e4715b9359b11fb82c2e49237d8cdd9b3e',
  'escalation-storm': '3b4b2632e8224afd9c042b96ba989d5664f7745d77c5c00303d960eff0ed79d9',
  'slow-tools': '31e18ab8069e4056a7442d3a304c6407133c98df4fbaedc7432f0b055997e965',
};

describe('simulator determinism', () => {
  for (const name of SCENARIO_NAMES) {
    it(`${name}: the same seed gives byte-identical events (SHA-256 pinned)`, () => {
      const events = runWindow(name);
      assert.equal(sha256(events), sha256(runWindow(name)));
      assert.equal(sha256(events), GOLDEN[name], `${name}: generated data changed`);
    });
  }

  it('a different seed gives different events', () => {
    assert.notEqual(sha256(run('steady', 42)), sha256(run('steady', 43)));
  });

  it('a window is the same events whether generated alone or inside a longer one', () => {
    const long = run('steady', 42, 2);
    const short = run('steady', 42, 1);
    assert.equal(sha256(long.filter((e) => at(e) < START + HOUR)), sha256(short));
  });
});

describe('simulated ledger', () => {
  const events = run('steady', 7, 2, 1);

  it('is valid, in time order and inside the window', () => {
    parseLedgerEvents(events);
    assert.ok(events.length > 10_000, `${events.length} events in two hours`);
    events.forEach((e, i) => {
      assert.ok(at(e) >= START && at(e) < START + 2 * HOUR);
      assert.ok(i === 0 || at(events[i - 1]!) <= at(e), `event ${i} is in order`);
    });
  });

  it('nests spans: process-job → agent-loop → llm-call / tool-execution, ending at occurred_at', () => {
    const jobSpans = new Map<string, string>(); // trace → job span
    const loops = new Map<string, LedgerEvent>(); // span → loop
    for (const e of events) {
      if (e.kind === 'job.claimed') {
        jobSpans.set(e.traceId!, e.spanId!);
      } else if (e.kind === 'agent.loop') {
        loops.set(e.spanId!, e);
      }
    }
    let calls = 0;
    for (const e of events) {
      if (e.kind === 'agent.loop' && jobSpans.has(e.traceId!)) {
        assert.equal(e.parentSpanId, jobSpans.get(e.traceId!));
      }
      if ((e.kind === 'llm.call' || e.kind === 'tool.call') && loops.has(e.parentSpanId!)) {
        const loop = loops.get(e.parentSpanId!)!;
        assert.equal(loop.traceId, e.traceId);
        assert.ok(at(e) - e.durationMs! >= at(loop) - loop.durationMs!, 'a call starts inside its loop');
        assert.ok(at(e) <= at(loop), 'and ends before the loop does');
        calls++;
      }
      if (e.kind === 'job.completed' || e.kind === 'job.failed') {
        assert.equal(e.spanId, jobSpans.get(e.traceId!), 'a finish closes the span its claim opened');
      }
    }
    assert.ok(calls > 1_000);
  });

  it('heartbeats every 5 s (±10%) per worker, naming the job while busy', () => {
    const byWorker = new Map<string, number[]>();
    let busy = 0;
    for (const e of events.filter((x) => x.kind === 'worker.heartbeat')) {
      byWorker.set(e.workerId!, [...(byWorker.get(e.workerId!) ?? []), at(e)]);
      busy += e.jobId ? 1 : 0;
    }
    assert.equal(byWorker.size, workerCount(loadScenario('steady'), 1));
    for (const [worker, times] of byWorker) {
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      assert.ok(Math.max(...gaps) <= 5_500 && Math.min(...gaps) >= 4_500, `${worker} beats every ~5 s`);
    }
    assert.ok(busy > 0, 'some heartbeats carry a job');
  });

  it('has every kind of fact, tokens and costs per model, and retries', () => {
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of ['job.created', 'job.claimed', 'job.completed', 'llm.call', 'tool.call', 'agent.loop']) {
      assert.ok(kinds.has(kind as LedgerEvent['kind']), kind);
    }
    const longer = run('steady', 7, 12, 1);
    for (const kind of ['job.failed', 'job.requeued', 'error', 'escalation', 'insight', 'conversation.message']) {
      assert.ok(
        longer.some((e) => e.kind === kind),
        kind
      );
    }
    const llm = events.filter((e) => e.kind === 'llm.call');
    assert.ok(llm.every((e) => (e.tokensIn ?? 0) > 0 && (e.costUsd ?? 0) > 0));
    assert.ok(new Set(llm.map((e) => e.name)).size >= 3, 'several models');
    assert.ok(
      longer.some((e) => e.kind === 'job.claimed' && (e.payload?.attempt as number) > 1),
      'retried jobs'
    );
  });
});
