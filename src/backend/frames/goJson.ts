/**
 * JSON primitives written the way Go's encoding/json (and jsoniter's standard-library mode, which the SDK uses)
 * writes them, so our metadata and frame JSON match what a Go plugin would send, byte for byte where it matters:
 * HTML-safe string escapes, Go's float formatting, sorted map keys.
 */
import { FrameError } from './frameError';

const HTML_UNSAFE = /[<>&\u2028\u2029]/;
const HTML_UNSAFE_ALL = /[<>&\u2028\u2029]/g;

/** A JSON string literal with Go's escaping (`<`, `>`, `&`, U+2028, U+2029 become \u escapes). */
export function goString(value: string): string {
  const json = JSON.stringify(value);
  // Go escapes these so JSON can sit inside HTML; the meaning is the same, only the bytes differ.
  return HTML_UNSAFE.test(json) ? json.replace(HTML_UNSAFE_ALL, unicodeEscape) : json;
}

function unicodeEscape(char: string): string {
  return '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * A float64 as Go writes it. JavaScript's shortest round-trip formatting already switches to exponent form at the
 * same cut-offs as Go (below 1e-6 and from 1e21) and writes exponents the same way; only -0 differs.
 */
export function goFloat64(value: number): string {
  if (!Number.isFinite(value)) {
    throw new FrameError(`cannot write ${value} as a JSON number`);
  }
  return Object.is(value, -0) ? '-0' : String(value);
}

/** A float32 as Go writes it: the shortest decimal that reads back as the same float32 (e.g. `1e-45`, not `1.401298464324817e-45`). */
export function goFloat32(value: number): string {
  if (value === 0 || !Number.isFinite(value)) {
    return goFloat64(value);
  }
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(value.toPrecision(digits));
    if (Math.fround(shortest) === value) {
      return goFloat64(shortest);
    }
  }
  return goFloat64(value);
}

/**
 * Any JSON value as Go re-encodes a decoded `interface{}`: object keys sorted (Go maps have no order), numbers as
 * float64. Non-finite numbers and non-JSON values throw, as Go's Marshal would fail on them.
 */
export function goJsonValue(value: unknown, path = '$'): string {
  if (value === null) {
    return 'null';
  }
  switch (typeof value) {
    case 'string':
      return goString(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new FrameError(`${path}: ${value} is not a JSON number`);
      }
      return goFloat64(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (Array.isArray(value)) {
        return '[' + value.map((item: unknown, i) => goJsonValue(item, `${path}[${i}]`)).join(',') + ']';
      }
      return goObject(value as Record<string, unknown>, path);
    default:
      throw new FrameError(`${path}: a ${typeof value} is not a JSON value`);
  }
}

function goObject(object: Record<string, unknown>, path: string): string {
  const parts: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    // encoding/json has no `undefined`; JSON.stringify drops such keys, and so do we.
    if (item !== undefined) {
      parts.push(goString(key) + ':' + goJsonValue(item, `${path}.${key}`));
    }
  }
  return '{' + parts.join(',') + '}';
}

/**
 * Builds one JSON object in a fixed key order, skipping what Go's `omitempty` would skip. Used to write Go structs
 * (FrameMeta, FieldConfig, …) with their keys in declaration order.
 */
export class GoObjectWriter {
  private readonly parts: string[] = [];

  /** Writes `key: json` (already encoded). */
  raw(key: string, json: string): this {
    this.parts.push(goString(key) + ':' + json);
    return this;
  }

  /** Writes `key: json` (already encoded) unless `json` is undefined (a nil pointer). */
  rawIf(key: string, json: string | undefined): this {
    return json === undefined ? this : this.raw(key, json);
  }

  /** Writes a string unless it is undefined or empty (`omitempty`). */
  string(key: string, value: string | undefined): this {
    return value === undefined || value === '' ? this : this.raw(key, goString(value));
  }

  /** Writes a boolean pointer field: present even when false. */
  bool(key: string, value: boolean | undefined): this {
    return value === undefined ? this : this.raw(key, value ? 'true' : 'false');
  }

  /** Writes a number pointer field: present even when 0. */
  number(key: string, value: number | undefined): this {
    return value === undefined ? this : this.raw(key, goFloat64(value));
  }

  /** Writes a number unless it is undefined or 0 (`omitempty` on a plain float). */
  nonZero(key: string, value: number | undefined): this {
    return value === undefined || value === 0 ? this : this.raw(key, goFloat64(value));
  }

  /** Writes Go's ConfFloat64 pointer: null for null or non-finite values. */
  confFloat(key: string, value: number | null | undefined): this {
    if (value === undefined) {
      return this;
    }
    return this.raw(key, value === null || !Number.isFinite(value) ? 'null' : goFloat64(value));
  }

  /** Writes a slice unless it is undefined or empty (`omitempty`), each item with `write`. */
  list<T>(key: string, items: readonly T[] | undefined, write: (item: T) => string): this {
    return items === undefined || items.length === 0 ? this : this.raw(key, '[' + items.map(write).join(',') + ']');
  }

  /** Writes any JSON value unless it is undefined or null (a nil `interface{}`). */
  any(key: string, value: unknown): this {
    return value === undefined || value === null ? this : this.raw(key, goJsonValue(value, key));
  }

  /** Writes a Go map unless it is undefined or empty (`omitempty`). */
  map(key: string, value: Readonly<Record<string, unknown>> | undefined): this {
    return value === undefined || Object.keys(value).length === 0 ? this : this.raw(key, goJsonValue(value, key));
  }

  /** The finished object. */
  toString(): string {
    return '{' + this.parts.join(',') + '}';
  }
}
