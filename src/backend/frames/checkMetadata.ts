/**
 * Runtime checks of frame `meta` and field `labels` (field `config` is in checkFieldConfig.ts).
 *
 * Grafana decodes these into typed Go structs: a wrong type anywhere (a string `typeVersion`, a notice severity of
 * "warn", a label value that is a number, `decimals: 1.5`, a `regex` value mapping) fails the whole QueryData
 * response, and an unknown key is silently dropped. TypeScript stops most of this at compile time; these checks
 * catch what arrives untyped (spread objects, JSON from elsewhere) and misspelt keys such as
 * `preferredVisualizationType`, which would otherwise vanish without a trace.
 */
import { FIELD_CONFIG_KEYS, checkConfigKeys } from './checkFieldConfig';
import {
  expectRecord,
  forEachItem,
  isUint,
  optionalJson,
  optionalOneOf,
  optionalString,
  rejectUnknownKeys,
} from './checkShape';
import { FrameError, describe } from './frameError';

export { checkFieldConfig } from './checkFieldConfig';

const FRAME_META_KEYS = new Set([
  'type',
  'typeVersion',
  'path',
  'pathSeparator',
  'custom',
  'stats',
  'notices',
  'channel',
  'preferredVisualisationType',
  'preferredVisualisationPluginId',
  'executedQueryString',
  'dataTopic',
  'uniqueRowIdFields',
]);
const QUERY_STAT_KEYS = new Set([...FIELD_CONFIG_KEYS, 'value']);
const FRAME_TYPES = new Set([
  'timeseries-wide',
  'timeseries-long',
  'timeseries-many',
  'timeseries-multi',
  'directory-listing',
  'table',
  'numeric-wide',
  'numeric-multi',
  'numeric-long',
  'log-lines',
  'heatmap-rows',
  'heatmap-cells',
]);
const VISUALISATION_TYPES = new Set(['graph', 'table', 'logs', 'trace', 'nodeGraph', 'flamegraph']);

/** Throws a FrameError unless `labels` is an object of string values. */
export function checkLabels(labels: unknown, where: string): void {
  const record = expectRecord(labels, `${where} labels`);
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string') {
      throw new FrameError(`${where} labels: value of "${key}" must be a string, got ${describe(value)}`);
    }
  }
}

/** Throws a FrameError unless `meta` is a FrameMeta Grafana can decode; `fieldCount` bounds `uniqueRowIdFields`. */
export function checkFrameMeta(meta: unknown, fieldCount: number, where: string): void {
  const at = `${where} meta`;
  const record = expectRecord(meta, at);
  rejectUnknownKeys(record, FRAME_META_KEYS, at);
  optionalOneOf(record, 'type', FRAME_TYPES, at);
  const version = record.typeVersion;
  if (version !== undefined && !(Array.isArray(version) && version.length === 2 && version.every(isUint))) {
    throw new FrameError(
      `${at}.typeVersion must be two non-negative integers such as [0, 1], got ${describe(version)}`
    );
  }
  for (const key of ['path', 'pathSeparator', 'channel', 'preferredVisualisationPluginId', 'executedQueryString']) {
    optionalString(record, key, at);
  }
  optionalJson(record, 'custom', at);
  optionalOneOf(record, 'preferredVisualisationType', VISUALISATION_TYPES, at);
  optionalOneOf(record, 'dataTopic', new Set(['annotations']), at);
  forEachItem(record, 'stats', at, (stat, path) => {
    const statRecord = expectRecord(stat, path);
    checkConfigKeys(statRecord, QUERY_STAT_KEYS, path);
    if (typeof statRecord.value !== 'number' || !Number.isFinite(statRecord.value)) {
      throw new FrameError(`${path}.value must be a finite number, got ${describe(statRecord.value)}`);
    }
  });
  forEachItem(record, 'notices', at, (notice, path) => {
    const noticeRecord = expectRecord(notice, path);
    rejectUnknownKeys(noticeRecord, new Set(['severity', 'text', 'link', 'inspect']), path);
    if (!['info', 'warning', 'error'].includes(noticeRecord.severity as string)) {
      throw new FrameError(
        `${path}.severity must be "info", "warning" or "error", got ${describe(noticeRecord.severity)}`
      );
    }
    if (typeof noticeRecord.text !== 'string') {
      throw new FrameError(`${path}.text must be a string, got ${describe(noticeRecord.text)}`);
    }
    optionalString(noticeRecord, 'link', path);
    optionalOneOf(noticeRecord, 'inspect', new Set(['meta', 'error', 'data', 'stats']), path);
  });
  forEachItem(record, 'uniqueRowIdFields', at, (index, path) => {
    if (!isUint(index) || index >= fieldCount) {
      throw new FrameError(`${path} must be the index of a field (0..${fieldCount - 1}), got ${describe(index)}`);
    }
  });
}
