/**
 * Intervals as Grafana writes them (`100ms`, `30s`, `5m`, `1h`, `1d`, `1w`, `1y`): parsing the macro argument and
 * formatting `$__interval`. The text form is also valid PostgreSQL interval input ('5m'::interval = 5 minutes).
 */
import { QueryError } from '../../errors';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Units from largest to smallest, for formatting. */
const FORMAT_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Formats milliseconds with the largest unit that divides them exactly (`60000` → `1m`, `90000` → `90s`). */
export function formatInterval(ms: number): string {
  const whole = Math.max(1, Math.round(ms));
  for (const unit of FORMAT_UNITS) {
    const size = UNIT_MS[unit]!;
    if (whole % size === 0) {
      return `${whole / size}${unit}`;
    }
  }
  return `${whole}ms`;
}

/**
 * Parses an interval argument: `'5m'`, `5m`, `1.5h`, `$__interval` or `'$__interval'` (the query's interval,
 * `intervalMs`). Throws a 400 naming the macro when it is not an interval or not greater than zero.
 */
export function parseInterval(argument: string, intervalMs: number, macro: string): number {
  let text = argument.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) {
    text = text.slice(1, -1).trim();
  }
  if (text === '$__interval') {
    return intervalMs;
  }
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w|y)$/.exec(text);
  if (!match) {
    throw QueryError.badQuery(
      `[macro] ${macro}: "${text.slice(0, 40)}" is not an interval — use e.g. '5m', '1h', '30s', '100ms' or $__interval`
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (!(ms >= 1)) {
    throw QueryError.badQuery(`[macro] ${macro}: the interval must be at least 1ms — use e.g. '5m' or $__interval`);
  }
  return ms;
}

/** Seconds as a decimal literal for SQL (at most millisecond precision, no exponent): `300`, `0.1`. */
export function secondsLiteral(ms: number): string {
  const rounded = Math.round(ms);
  const seconds = Math.floor(rounded / 1000);
  const millis = rounded % 1000;
  return millis === 0 ? String(seconds) : `${seconds}.${String(millis).padStart(3, '0').replace(/0+$/, '')}`;
}
