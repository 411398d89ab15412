/**
 * Runtime checks of field `config` (Go `FieldConfig`): Grafana decodes it into a typed struct, so `decimals: 1.5`,
 * a `regex` value mapping (Go knows only value, range and special) or a string `min` fails the whole response.
 */
import {
  expectRecord,
  forEachItem,
  isFiniteNumber,
  isStringArray,
  isUint,
  optionalBoolean,
  optionalConfFloat,
  optionalJson,
  optionalJsonObject,
  optionalOneOf,
  optionalString,
  rejectUnknownKeys,
} from './checkShape';
import { FrameError, describe } from './frameError';

/** The keys of Go's FieldConfig, in struct order. */
export const FIELD_CONFIG_KEYS = [
  'displayName',
  'displayNameFromDS',
  'path',
  'description',
  'filterable',
  'writeable',
  'unit',
  'decimals',
  'min',
  'max',
  'interval',
  'mappings',
  'thresholds',
  'color',
  'links',
  'noValue',
  'type',
  'custom',
];
const FIELD_CONFIG_KEY_SET = new Set(FIELD_CONFIG_KEYS);
const SPECIAL_VALUE_MATCHES = new Set(['true', 'false', 'null', 'nan', 'null+nan', 'empty']);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Throws a FrameError unless `config` is a FieldConfig Grafana can decode. */
export function checkFieldConfig(config: unknown, where: string): void {
  checkConfigKeys(expectRecord(config, `${where} config`), FIELD_CONFIG_KEY_SET, `${where} config`);
}

/** Checks the FieldConfig keys of `config` (also used for query stats, which embed a FieldConfig). */
export function checkConfigKeys(config: Record<string, unknown>, allowed: ReadonlySet<string>, at: string): void {
  rejectUnknownKeys(config, allowed, at);
  for (const key of ['displayName', 'displayNameFromDS', 'path', 'description', 'unit', 'noValue']) {
    optionalString(config, key, at);
  }
  optionalBoolean(config, 'filterable', at);
  optionalBoolean(config, 'writeable', at);
  if (config.decimals !== undefined && !(isUint(config.decimals) && config.decimals <= 65535)) {
    throw new FrameError(`${at}.decimals must be an integer from 0 to 65535, got ${describe(config.decimals)}`);
  }
  optionalConfFloat(config, 'min', at);
  optionalConfFloat(config, 'max', at);
  if (config.interval !== undefined && !isFiniteNumber(config.interval)) {
    throw new FrameError(`${at}.interval must be a finite number, got ${describe(config.interval)}`);
  }
  forEachItem(config, 'mappings', at, checkValueMapping);
  if (config.thresholds !== undefined) {
    const thresholds = expectRecord(config.thresholds, `${at}.thresholds`);
    optionalOneOf(thresholds, 'mode', new Set(['absolute', 'percentage']), `${at}.thresholds`);
    if (!Array.isArray(thresholds.steps)) {
      throw new FrameError(`${at}.thresholds.steps must be an array, got ${describe(thresholds.steps)}`);
    }
    forEachItem(thresholds, 'steps', `${at}.thresholds`, (step, path) => {
      const stepRecord = expectRecord(step, path);
      optionalConfFloat(stepRecord, 'value', path);
      optionalString(stepRecord, 'color', path);
      optionalString(stepRecord, 'state', path);
    });
  }
  optionalJsonObject(config, 'color', at);
  optionalJsonObject(config, 'custom', at);
  forEachItem(config, 'links', at, checkDataLink);
  if (config.type !== undefined) {
    const typeConfig = expectRecord(config.type, `${at}.type`);
    rejectUnknownKeys(typeConfig, new Set(['enum']), `${at}.type`);
    if (typeConfig.enum !== undefined) {
      const enumConfig = expectRecord(typeConfig.enum, `${at}.type.enum`);
      if (!isStringArray(enumConfig.text)) {
        throw new FrameError(`${at}.type.enum.text must be an array of strings, got ${describe(enumConfig.text)}`);
      }
      for (const key of ['color', 'icon', 'description']) {
        if (enumConfig[key] !== undefined && !isStringArray(enumConfig[key])) {
          throw new FrameError(`${at}.type.enum.${key} must be an array of strings`);
        }
      }
    }
  }
}

function checkValueMapping(mapping: unknown, path: string): void {
  const record = expectRecord(mapping, path);
  const options = expectRecord(record.options, `${path}.options`);
  switch (record.type) {
    case 'value':
      for (const [key, result] of Object.entries(options)) {
        checkMappingResult(result, `${path}.options.${key}`);
      }
      return;
    case 'range':
      optionalConfFloat(options, 'from', `${path}.options`);
      optionalConfFloat(options, 'to', `${path}.options`);
      checkMappingResult(options.result, `${path}.options.result`);
      return;
    case 'special':
      optionalOneOf(options, 'match', SPECIAL_VALUE_MATCHES, `${path}.options`);
      checkMappingResult(options.result, `${path}.options.result`);
      return;
    default:
      // sdk data/value_mapping.go: any other type is "unknown mapping type" and fails the whole decode.
      throw new FrameError(`${path}.type must be "value", "range" or "special", got ${describe(record.type)}`);
  }
}

function checkMappingResult(result: unknown, path: string): void {
  const record = expectRecord(result, path);
  optionalString(record, 'text', path);
  optionalString(record, 'color', path);
  if (record.index !== undefined && !Number.isSafeInteger(record.index)) {
    throw new FrameError(`${path}.index must be an integer, got ${describe(record.index)}`);
  }
}

function checkDataLink(link: unknown, path: string): void {
  const record = expectRecord(link, path);
  rejectUnknownKeys(record, new Set(['title', 'targetBlank', 'url', 'internal']), path);
  optionalString(record, 'title', path);
  optionalBoolean(record, 'targetBlank', path);
  optionalString(record, 'url', path);
  if (record.internal === undefined) {
    return;
  }
  const at = `${path}.internal`;
  const internal = expectRecord(record.internal, at);
  const keys = ['query', 'datasourceUid', 'datasourceName', 'panelsState', 'transformations', 'timeRange'];
  rejectUnknownKeys(internal, new Set(keys), at);
  optionalJson(internal, 'query', at);
  optionalJson(internal, 'panelsState', at);
  optionalString(internal, 'datasourceUid', at);
  optionalString(internal, 'datasourceName', at);
  forEachItem(internal, 'transformations', at, (transformation, itemPath) => {
    const t = expectRecord(transformation, itemPath);
    optionalOneOf(t, 'type', new Set(['regex', 'logfmt']), itemPath);
    ['field', 'expression', 'mapValue'].forEach((key) => optionalString(t, key, itemPath));
  });
  if (internal.timeRange !== undefined) {
    const range = expectRecord(internal.timeRange, `${at}.timeRange`);
    for (const key of ['from', 'to']) {
      if (typeof range[key] !== 'string' || !RFC3339.test(range[key])) {
        throw new FrameError(`${at}.timeRange.${key} must be an RFC 3339 timestamp, got ${describe(range[key])}`);
      }
    }
  }
}
