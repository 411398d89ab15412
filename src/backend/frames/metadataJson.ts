/**
 * FrameMeta, FieldConfig and labels as JSON, written exactly as the Go SDK marshals its structs: keys in struct
 * declaration order, `omitempty` honoured, maps with sorted keys. The Arrow encoder puts these strings in the
 * schema/field metadata and the JSON encoder embeds them, so both encodings carry identical metadata.
 */
import type {
  DataLink,
  FieldConfig,
  InternalDataLink,
  FrameMeta,
  Labels,
  Notice,
  QueryStat,
  ThresholdsConfig,
  ValueMapping,
  ValueMappingResult,
} from './frame';
import { GoObjectWriter, goString } from './goJson';

/** Go's `InspectType` is a plain int without a JSON marshaller, so this integer is the only form Go decodes. */
const INSPECT_TYPE_NUMBER: Readonly<Record<NonNullable<Notice['inspect']>, number>> = {
  meta: 1,
  error: 2,
  data: 3,
  stats: 4,
};

/** Frame meta JSON (schema metadata key `meta`); `typeVersion` is always written, [0,0] by default, as Go does. */
export function frameMetaJson(meta: FrameMeta): string {
  const typeVersion = meta.typeVersion ?? [0, 0];
  return new GoObjectWriter()
    .string('type', meta.type)
    .raw('typeVersion', `[${typeVersion[0]},${typeVersion[1]}]`)
    .string('path', meta.path)
    .string('pathSeparator', meta.pathSeparator)
    .any('custom', meta.custom)
    .list('stats', meta.stats, queryStatJson)
    .list('notices', meta.notices, noticeJson)
    .string('channel', meta.channel)
    .string('preferredVisualisationType', meta.preferredVisualisationType)
    .string('preferredVisualisationPluginId', meta.preferredVisualisationPluginId)
    .string('executedQueryString', meta.executedQueryString)
    .string('dataTopic', meta.dataTopic)
    .list('uniqueRowIdFields', meta.uniqueRowIdFields, String)
    .toString();
}

/** Field config JSON (field metadata key `config`). An empty config is written as `{}`, as Go writes a non-nil one. */
export function fieldConfigJson(config: FieldConfig): string {
  return writeFieldConfig(new GoObjectWriter(), config).toString();
}

/** Labels JSON (field metadata key `labels`): keys sorted, as Go marshals a map. */
export function labelsJson(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return '{' + keys.map((key) => goString(key) + ':' + goString(labels[key] ?? '')).join(',') + '}';
}

function writeFieldConfig(writer: GoObjectWriter, config: FieldConfig): GoObjectWriter {
  const enumConfig = config.type?.enum;
  return writer
    .string('displayName', config.displayName)
    .string('displayNameFromDS', config.displayNameFromDS)
    .string('path', config.path)
    .string('description', config.description)
    .bool('filterable', config.filterable)
    .bool('writeable', config.writeable)
    .string('unit', config.unit)
    .number('decimals', config.decimals)
    .confFloat('min', config.min)
    .confFloat('max', config.max)
    .nonZero('interval', config.interval)
    .list('mappings', config.mappings, valueMappingJson)
    .rawIf('thresholds', config.thresholds && thresholdsJson(config.thresholds))
    .map('color', config.color)
    .list('links', config.links, dataLinkJson)
    .string('noValue', config.noValue)
    .rawIf('type', config.type && (enumConfig ? `{"enum":${enumConfigJson(enumConfig)}}` : '{}'))
    .map('custom', config.custom);
}

function queryStatJson(stat: QueryStat): string {
  // QueryStat embeds FieldConfig, then adds `value`.
  return writeFieldConfig(new GoObjectWriter(), stat).number('value', stat.value).toString();
}

function noticeJson(notice: Notice): string {
  return new GoObjectWriter()
    .raw('severity', goString(notice.severity))
    .raw('text', goString(notice.text))
    .string('link', notice.link)
    .nonZero('inspect', notice.inspect === undefined ? undefined : INSPECT_TYPE_NUMBER[notice.inspect])
    .toString();
}

function valueMappingJson(mapping: ValueMapping): string {
  const writer = new GoObjectWriter().raw('type', goString(mapping.type));
  switch (mapping.type) {
    case 'value': {
      const keys = Object.keys(mapping.options).sort();
      const options = keys.map((key) => goString(key) + ':' + mappingResultJson(mapping.options[key] ?? {}));
      return writer.raw('options', '{' + options.join(',') + '}').toString();
    }
    case 'range': {
      const { from, to, result } = mapping.options;
      // RangeValueMapper's from/to are `*ConfFloat64` with omitempty: a nil pointer (our null) is left out.
      const options = new GoObjectWriter()
        .confFloat('from', from ?? undefined)
        .confFloat('to', to ?? undefined)
        .raw('result', mappingResultJson(result));
      return writer.raw('options', options.toString()).toString();
    }
    case 'special': {
      const options = new GoObjectWriter()
        .raw('match', goString(mapping.options.match))
        .raw('result', mappingResultJson(mapping.options.result));
      return writer.raw('options', options.toString()).toString();
    }
  }
}

function mappingResultJson(result: ValueMappingResult): string {
  return new GoObjectWriter()
    .string('text', result.text)
    .string('color', result.color)
    .nonZero('index', result.index)
    .toString();
}

function thresholdsJson(thresholds: ThresholdsConfig): string {
  const steps = thresholds.steps.map((step) =>
    // Threshold.Value is a plain ConfFloat64 with omitempty: Go drops a 0 and writes -Infinity as null.
    new GoObjectWriter()
      .confFloat('value', step.value === 0 ? undefined : step.value)
      .string('color', step.color)
      .string('state', step.state)
      .toString()
  );
  return new GoObjectWriter()
    .raw('mode', goString(thresholds.mode))
    .raw('steps', '[' + steps.join(',') + ']')
    .toString();
}

function dataLinkJson(link: DataLink): string {
  return new GoObjectWriter()
    .string('title', link.title)
    .bool('targetBlank', link.targetBlank || undefined) // a plain bool with omitempty: false is left out
    .string('url', link.url)
    .rawIf('internal', link.internal && internalLinkJson(link.internal))
    .toString();
}

function internalLinkJson(internal: InternalDataLink): string {
  const { timeRange } = internal;
  return new GoObjectWriter()
    .any('query', internal.query)
    .string('datasourceUid', internal.datasourceUid)
    .string('datasourceName', internal.datasourceName)
    .any('panelsState', internal.panelsState)
    .rawIf(
      'transformations',
      internal.transformations &&
        '[' +
          internal.transformations
            .map((t) =>
              new GoObjectWriter()
                .string('type', t.type)
                .string('field', t.field)
                .string('expression', t.expression)
                .string('mapValue', t.mapValue)
                .toString()
            )
            .join(',') +
          ']'
    )
    .rawIf('timeRange', timeRange && `{"from":${goString(timeRange.from)},"to":${goString(timeRange.to)}}`)
    .toString();
}

function enumConfigJson(enumConfig: NonNullable<NonNullable<FieldConfig['type']>['enum']>): string {
  const strings = (items: readonly string[]) => '[' + items.map(goString).join(',') + ']';
  return new GoObjectWriter()
    .raw('text', strings(enumConfig.text))
    .list('color', enumConfig.color, goString)
    .list('icon', enumConfig.icon, goString)
    .list('description', enumConfig.description, goString)
    .toString();
}
