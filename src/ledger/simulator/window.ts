/** The time window a run writes, resolved from the command line and the scenario, and its one-line description. */
import { parseDuration, type Scenario } from './scenario';

/** A window [from, to) in epoch ms. */
export interface SimWindow {
  from: number;
  to: number;
}

/** Options that place a window; all optional. */
export interface WindowOptions {
  from?: string;
  to?: string;
  window?: string;
}

function parseTime(text: string, flag: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/(Z|[+-]\d\d:?\d\d)$/.test(text.trim())) {
    throw new Error(`${flag} must be an ISO 8601 time with an offset, e.g. 2026-11-29T10:00:00Z (got "${text}")`);
  }
  return ms;
}

/**
 * --from/--to/--window → [from, to). Without --to the window ends now, rounded down to the minute; without --from
 * it is --window (default: the scenario's window) long.
 */
export function resolveWindow(scenario: Scenario, options: WindowOptions, now: number): SimWindow {
  const length = parseDuration(options.window ?? scenario.window);
  let to = options.to !== undefined ? parseTime(options.to, '--to') : undefined;
  const from = options.from !== undefined ? parseTime(options.from, '--from') : undefined;
  to ??= from !== undefined && options.window !== undefined ? from + length : Math.floor(now / 60_000) * 60_000;
  const start = from ?? to - length;
  if (!(start < to)) {
    throw new Error(
      `the window is empty: ${new Date(start).toISOString()} is not before ${new Date(to).toISOString()}`
    );
  }
  return { from: start, to };
}

/** The header line of emitted files: what was simulated and the window it covers. */
export function windowHeader(scenario: Scenario, seed: number, scale: number, window: SimWindow): string {
  return JSON.stringify({
    scenario: scenario.name,
    seed,
    scale,
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
  });
}
