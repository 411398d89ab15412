/**
 * Helpers shared by the resource routes: JSON responses, bounded query-parameter parsing, and the mapping of
 * failures to HTTP statuses (bad input 400, unknown 404, settings 400, database errors as classified).
 */
import { QueryError, SettingsError } from '../../errors';
import type { ResourceResponse } from '../types';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** A JSON response. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): ResourceResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Bad input in a resource request: answered 400 with its message. */
export class BadRequest extends Error {
  override readonly name = 'BadRequest';
}

/** Not found: answered 404 with its message. */
export class NotFound extends Error {
  override readonly name = 'NotFound';
}

// Control characters (NUL first of all) cannot reach PostgreSQL text and never belong in ids or searches.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** An optional text parameter, at most `max` characters, without control characters. */
export function textParam(query: URLSearchParams, name: string, max: number): string | undefined {
  const value = query.get(name);
  if (value === null || value === '') {
    return undefined;
  }
  if (value.length > max) {
    throw new BadRequest(`${name} is longer than ${max} characters`);
  }
  if (CONTROL.test(value)) {
    throw new BadRequest(`${name} contains control characters`);
  }
  return value;
}

/** An optional integer parameter within [min, max]; `fallback` when absent. */
export function intParam(query: URLSearchParams, name: string, min: number, max: number, fallback: number): number {
  const value = query.get(name);
  if (value === null || value === '') {
    return fallback;
  }
  if (!/^-?\d{1,16}$/.test(value)) {
    throw new BadRequest(`${name} must be an integer, got "${value.slice(0, 40)}"`);
  }
  const number = Number(value);
  if (number < min || number > max) {
    throw new BadRequest(`${name} must be between ${min} and ${max}, got ${number}`);
  }
  return number;
}

/** A path segment as the user wrote it: percent-decoded when it is valid percent-encoding, else as is. */
export function pathParam(segment: string, name: string, max: number): string {
  let value = segment;
  try {
    value = decodeURIComponent(segment);
  } catch {
    // not percent-encoded: keep the raw segment
  }
  if (value === '' || value.length > max) {
    throw new BadRequest(`${name} must be 1 to ${max} characters`);
  }
  if (CONTROL.test(value)) {
    throw new BadRequest(`${name} contains control characters`);
  }
  return value;
}

/** Maps a failure of a route to its response; never leaks stack traces. */
export function errorResponse(error: unknown): ResourceResponse {
  if (error instanceof BadRequest) {
    return json(400, { error: `[query] ${error.message}` });
  }
  if (error instanceof NotFound) {
    return json(404, { error: error.message });
  }
  if (error instanceof SettingsError) {
    return json(400, { error: error.message });
  }
  if (error instanceof QueryError) {
    return json(error.status, { error: error.message });
  }
  return json(500, { error: `[plugin] unexpected failure: ${error instanceof Error ? error.message : String(error)}` });
}
