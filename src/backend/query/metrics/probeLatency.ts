/**
 * database.latency_ms: the round trip of a trivial statement from the plugin to PostgreSQL, measured when the query
 * runs (statement only: connection set-up and our transaction framing are not counted). A saturated, locked-up or
 * far-away database shows here first. Several probes per query, reduced by the requested aggregation.
 */
import { withReadOnlySession } from '../../db/session';
import type { Aggregation } from '../../../contract/query';
import type { ExecutionTarget } from '../execute';

/** Probes per query: enough for a p99 to mean "the slowest of a few", few enough to stay cheap. */
export const PROBES = 5;

function reduce(samples: number[], aggregation: Aggregation): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  switch (aggregation) {
    case 'p50':
      return at(0.5);
    case 'avg':
      return samples.reduce((sum, x) => sum + x, 0) / samples.length;
    case 'p99':
    case 'max':
    default:
      return at(1);
  }
}

/** Runs PROBES round trips on one pooled connection and reduces them. */
export async function probeLatency(
  target: ExecutionTarget,
  aggregation: Aggregation,
  signal: AbortSignal
): Promise<number> {
  const samples: number[] = [];
  await withReadOnlySession(
    target.pool,
    target.settings,
    async (session) => {
      for (let i = 0; i < PROBES; i++) {
        const started = performance.now();
        await session.query('SELECT 1');
        samples.push(performance.now() - started);
      }
    },
    { signal, timeoutMs: 10_000 }
  );
  return reduce(samples, aggregation);
}
