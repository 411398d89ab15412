/**
 * Logging shaped like hclog JSON on stderr, which is what go-plugin (and so Grafana) parses:
 * `{"@level":"info","@message":"…","@timestamp":"2026-01-02T03:04:05.123456Z", …key/values}`.
 *
 * - The timestamp has exactly six fractional digits: Go parses `@timestamp` with a microsecond layout and treats the
 *   whole line as raw DEBUG text when it does not match (three digits from toISOString() do not).
 * - Levels are lowercase hclog names; `warning` or `fatal` would also demote the line to raw text.
 * - Keys that look like secrets are redacted, and long values are cut so a line stays far below go-plugin's
 *   64 KiB line buffer.
 * - stdout is never touched: it is the handshake channel.
 */
import { inspect } from 'node:util';

/** hclog level names, lowest first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Key/values attached to a log line. */
export type LogFields = Record<string, unknown>;

/** Where lines go; stderr in production, a buffer in tests. */
export type LogSink = (line: string) => void;

const SECRET_KEY =
  /(passw(or)?d|secret|authorization|cookie|credential|private.?key|api.?key|bearer|tls(ca|client)(cert|key)|connection.?string|^dsn$|^url$)/i;
const MAX_VALUE_CHARS = 4_000;

/** Formats a Date (plus extra microseconds) the way hclog does: RFC 3339 with exactly 6 fractional digits, UTC. */
export function hclogTimestamp(date: Date, micros = 0): string {
  const iso = date.toISOString(); // 2026-01-02T03:04:05.123Z
  const extra = String(Math.max(0, Math.min(999, Math.floor(micros)))).padStart(3, '0');
  return `${iso.slice(0, 23)}${extra}Z`;
}

function safeValue(key: string, value: unknown): unknown {
  if (SECRET_KEY.test(key)) {
    return '[redacted]';
  }
  if (value instanceof Error) {
    return value.message.slice(0, MAX_VALUE_CHARS);
  }
  if (typeof value === 'string') {
    return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}…` : value;
  }
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) {
    return value;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  const text = inspect(value, { depth: 3, breakLength: Infinity, maxStringLength: 200 });
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** A small structured logger. */
export class Logger {
  constructor(
    private readonly sink: LogSink,
    private readonly minLevel: LogLevel = 'info',
    private readonly fields: LogFields = {}
  ) {}

  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger {
    return new Logger(this.sink, this.minLevel, { ...this.fields, ...fields });
  }

  /** True when lines at `level` are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(this.minLevel);
  }

  trace(message: string, fields?: LogFields): void {
    this.write('trace', message, fields);
  }
  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    if (!this.enabled(level)) {
      return;
    }
    const now = performance.timeOrigin + performance.now();
    const line: Record<string, unknown> = {
      '@level': level,
      '@message': message.slice(0, MAX_VALUE_CHARS),
      '@timestamp': hclogTimestamp(new Date(Math.floor(now)), (now % 1) * 1000),
      '@module': 'ledger',
    };
    for (const [key, value] of Object.entries({ ...this.fields, ...fields })) {
      if (!key.startsWith('@')) {
        line[key] = safeValue(key, value);
      }
    }
    this.sink(JSON.stringify(line) + '\n');
  }
}

/** Parses a level name from configuration, falling back to `info`. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const lower = value?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(lower ?? '') ? (lower as LogLevel) : 'info';
}

/** The process logger: hclog JSON on stderr. */
export function stderrLogger(level: LogLevel): Logger {
  return new Logger((line) => process.stderr.write(line), level);
}
