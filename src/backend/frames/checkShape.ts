/**
 * Small runtime-shape checks shared by the metadata checks: each throws a FrameError that names the path of the
 * offending value, e.g. `frame "cpu" field 1 "value" config.decimals`.
 */
import { FrameError, describe } from './frameError';

/** The value as a record, or a FrameError saying what it was instead. */
export function expectRecord(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FrameError(`${at} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Throws on a key outside `allowed` (Grafana would silently drop it). */
export function rejectUnknownKeys(record: Record<string, unknown>, allowed: ReadonlySet<string>, at: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.has(key) && record[key] !== undefined) {
      throw new FrameError(`${at}: unknown key "${key}" (Grafana would drop it); allowed: ${[...allowed].join(', ')}`);
    }
  }
}

/** Checks each item of an optional array property. */
export function forEachItem(
  record: Record<string, unknown>,
  key: string,
  at: string,
  check: (item: unknown, path: string) => void
): void {
  const items = record[key];
  if (items === undefined) {
    return;
  }
  if (!Array.isArray(items)) {
    throw new FrameError(`${at}.${key} must be an array, got ${describe(items)}`);
  }
  items.forEach((item: unknown, i) => check(item, `${at}.${key}[${i}]`));
}

/** Throws unless the property is absent or a string. */
export function optionalString(record: Record<string, unknown>, key: string, at: string): void {
  if (record[key] !== undefined && typeof record[key] !== 'string') {
    throw new FrameError(`${at}.${key} must be a string, got ${describe(record[key])}`);
  }
}

/** Throws unless the property is absent or a boolean. */
export function optionalBoolean(record: Record<string, unknown>, key: string, at: string): void {
  if (record[key] !== undefined && typeof record[key] !== 'boolean') {
    throw new FrameError(`${at}.${key} must be a boolean, got ${describe(record[key])}`);
  }
}

/** Throws unless the property is absent, null or a number (Go's ConfFloat64). */
export function optionalConfFloat(record: Record<string, unknown>, key: string, at: string): void {
  const value = record[key];
  if (value !== undefined && value !== null && typeof value !== 'number') {
    throw new FrameError(`${at}.${key} must be a number or null, got ${describe(value)}`);
  }
}

/** Throws unless the property is absent or one of `allowed`. */
export function optionalOneOf(
  record: Record<string, unknown>,
  key: string,
  allowed: ReadonlySet<string>,
  at: string
): void {
  const value = record[key];
  if (value !== undefined && !(typeof value === 'string' && allowed.has(value))) {
    throw new FrameError(`${at}.${key} must be one of ${[...allowed].join(', ')}; got ${describe(value)}`);
  }
}

/** Throws unless the property is absent or plain JSON. */
export function optionalJson(record: Record<string, unknown>, key: string, at: string): void {
  if (record[key] !== undefined) {
    checkJsonValue(record[key], `${at}.${key}`);
  }
}

/** Throws unless the property is absent or a plain JSON object (a Go map). */
export function optionalJsonObject(record: Record<string, unknown>, key: string, at: string): void {
  if (record[key] !== undefined) {
    checkJsonValue(expectRecord(record[key], `${at}.${key}`), `${at}.${key}`);
  }
}

/** Throws unless `value` is plain JSON: Go's encoder fails on NaN/Infinity, and bigint or undefined cannot be written. */
export function checkJsonValue(value: unknown, at: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new FrameError(`${at}: ${value} cannot be written as JSON`);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item: unknown, i) => checkJsonValue(item, `${at}[${i}]`));
    return;
  }
  if (typeof value === 'object') {
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      // A Date, Map or class instance has no single JSON form (JSON.stringify and Go would disagree); convert it first.
      throw new FrameError(
        `${at}: a ${value.constructor?.name ?? 'non-plain object'} is not plain JSON; convert it first`
      );
    }
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        checkJsonValue(item, `${at}.${key}`);
      }
    }
    return;
  }
  throw new FrameError(`${at}: a ${typeof value} cannot be written as JSON`);
}

/** A non-negative safe integer. */
export function isUint(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A finite number. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** An array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
