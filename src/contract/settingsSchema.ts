/** The zod schema of datasource jsonData (backend validation); defaults and limits come from settings.ts. */
import { z } from 'zod';

import { SETTINGS_DEFAULTS, SETTINGS_LIMITS, SSL_MODES, STREAM_MODES } from './settings';

/** Provisioned YAML sends strings where the UI sends numbers. */
const bounded = ([min, max]: readonly [number, number]) => z.coerce.number().int().min(min).max(max);

/** An optional positive number; an empty string (a cleared field) means unset. */
const optionalNumber = ([min, max]: readonly [number, number]) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), z.coerce.number().min(min).max(max).optional());

/** `jsonData` validated, defaults applied. Unknown keys are ignored. */
export const LedgerJsonData = z.object({
  database: z.string().trim().optional(),
  sslmode: z.enum(SSL_MODES).default(SETTINGS_DEFAULTS.sslmode),
  maxOpenConns: bounded(SETTINGS_LIMITS.maxOpenConns).default(SETTINGS_DEFAULTS.maxOpenConns),
  statementTimeoutMs: bounded(SETTINGS_LIMITS.statementTimeoutMs).default(SETTINGS_DEFAULTS.statementTimeoutMs),
  rowLimit: bounded(SETTINGS_LIMITS.rowLimit).default(SETTINGS_DEFAULTS.rowLimit),
  streamMode: z.enum(STREAM_MODES).default(SETTINGS_DEFAULTS.streamMode),
  streamPollIntervalMs: bounded(SETTINGS_LIMITS.streamPollIntervalMs).default(SETTINGS_DEFAULTS.streamPollIntervalMs),
  connectTimeoutMs: bounded(SETTINGS_LIMITS.connectTimeoutMs).default(SETTINGS_DEFAULTS.connectTimeoutMs),
  tokenBudgetDaily: optionalNumber(SETTINGS_LIMITS.tokenBudgetDaily),
  costBudgetDailyUsd: optionalNumber(SETTINGS_LIMITS.costBudgetDailyUsd),
});
export type LedgerJsonData = z.infer<typeof LedgerJsonData>;
