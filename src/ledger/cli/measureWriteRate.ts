/**
 * Measures single-writer append rates into a freshly migrated ledger (docs/ledger.md, "write rates").
 * Uses the test server (tests/support/postgres.ts: DATABASE_URL, or a throwaway cluster with fsync off).
 *   npx tsx src/ledger/cli/measureWriteRate.ts [events=100000] [repeats=3]
 * The event mix is realistic: 20 events per job (lifecycle, heartbeats, an agent loop, LLM and tool calls), so the
 * jobs/workers triggers do the work they would do in production.
 */
import os from 'node:os';
import pg from 'pg';
import { createTestDatabase } from '../../../tests/support/postgres';
import type { LedgerEvent } from '../ledgerEvent';
import { migrate } from '../migrate';
import { appendEvents, copyEvents } from '../writer';

const EVENTS_PER_JOB = 20;

/** mulberry32: deterministic, so every run writes the same events. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function* realisticEvents(count: number): Generator<LedgerEvent> {
  const random = prng(42);
  const start = Date.UTC(2026, 10, 29);
  for (let job = 0; job * EVENTS_PER_JOB < count; job++) {
    const jobId = `job-${job}`;
    const workerId = `worker-${job % 16}`;
    const traceId = `trace-${job}`;
    const mode = job % 3 === 0 ? 'genius' : 'mechanic';
    const t = (offsetMs: number) => new Date(start + job * 1000 + offsetMs);
    yield { kind: 'job.created', occurredAt: t(0), jobId, mode, agent: 'coder', payload: { token_cap: 50_000 } };
    yield {
      kind: 'job.claimed',
      occurredAt: t(100),
      jobId,
      workerId,
      mode,
      traceId,
      spanId: 'job',
      payload: { attempt: 1 },
    };
    yield {
      kind: 'agent.loop',
      occurredAt: t(200),
      jobId,
      traceId,
      spanId: 'loop',
      parentSpanId: 'job',
      durationMs: 9000,
    };
    for (let i = 0; i < 7; i++) {
      yield {
        kind: 'llm.call',
        occurredAt: t(300 + i * 1000),
        jobId,
        workerId,
        mode,
        traceId,
        spanId: `llm-${i}`,
        parentSpanId: 'loop',
        name: 'claude-sonnet',
        status: 'ok',
        durationMs: Math.round(200 + random() * 2000),
        tokensIn: Math.round(500 + random() * 4000),
        tokensOut: Math.round(50 + random() * 800),
        costUsd: random() / 100,
      };
      yield {
        kind: 'tool.call',
        occurredAt: t(800 + i * 1000),
        jobId,
        workerId,
        traceId,
        spanId: `tool-${i}`,
        parentSpanId: 'loop',
        name: i % 2 ? 'read_file' : 'apply_patch',
        status: random() < 0.05 ? 'error' : 'ok',
        durationMs: random() * 300,
        payload: { path: `src/module_${i}.ts`, note: 'tabs\tand\nnewlines "quoted" \\ too' },
      };
    }
    yield { kind: 'worker.heartbeat', occurredAt: t(5000), jobId, workerId };
    yield {
      kind: 'conversation.message',
      occurredAt: t(9100),
      jobId,
      conversationId: `conv-${job}`,
      name: 'assistant',
    };
    yield {
      kind: 'job.completed',
      occurredAt: t(9200),
      jobId,
      workerId,
      mode,
      traceId,
      spanId: 'job',
      durationMs: 9100,
    };
  }
}

type Method =
  | 'appendEvents x1000'
  | 'appendEvents x100'
  | 'appendEvents x1'
  | 'copyEvents'
  | 'copyEvents, state triggers off';

// One event per statement is how a live worker without buffering writes; it is slow, so it gets fewer events.
const SINGLE_EVENT_SAMPLE = 10_000;

async function measure(method: Method, allEvents: LedgerEvent[]): Promise<number> {
  const events = method === 'appendEvents x1' ? allEvents.slice(0, SINGLE_EVENT_SAMPLE) : allEvents;
  const db = await createTestDatabase('rate');
  await migrate(db.url);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    if (method === 'copyEvents, state triggers off') {
      // replica mode skips ordinary triggers (jobs, workers, NOTIFY) but not the ALWAYS append-only guard
      await client.query('SET session_replication_role = replica');
    }
    const started = process.hrtime.bigint();
    if (method.startsWith('copyEvents')) {
      await copyEvents(client, events);
    } else {
      const batchSize = method === 'appendEvents x1' ? 1 : method === 'appendEvents x100' ? 100 : 1000;
      for (let i = 0; i < events.length; i += batchSize) {
        await appendEvents(client, events.slice(i, i + batchSize), { batchSize }); // one autocommit statement each
      }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return events.length / seconds;
  } finally {
    await client.end();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 100_000);
  const repeats = Number(process.argv[3] ?? 3);
  const events = [...realisticEvents(count)].slice(0, count);
  const probeDb = await createTestDatabase('rate_probe');
  const probe = new pg.Client({ connectionString: probeDb.url });
  await probe.connect();
  const { rows } = await probe.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  const settings = await probe.query<{ name: string; setting: string }>(
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit') ORDER BY name"
  );
  await probe.end();
  await probeDb.drop();
  console.log(`${count} events, ${EVENTS_PER_JOB} per job; median of ${repeats}`);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
  console.log(`PostgreSQL ${rows[0]?.v ?? '?'}; ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(', ')}`);
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`
  );
  const methods: Method[] = [
    'appendEvents x1000',
    'appendEvents x100',
    'appendEvents x1',
    'copyEvents',
    'copyEvents, state triggers off',
  ];
  for (const method of methods) {
    const rates: number[] = [];
    for (let i = 0; i < repeats; i++) {
      rates.push(await measure(method, events));
    }
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)] ?? 0;
    console.log(`${method.padEnd(32)} ${Math.round(median).toLocaleString('en-US').padStart(9)} events/s`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  }
);
