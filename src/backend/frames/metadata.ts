/**
 * Frame `meta` and field `config`: the shapes of grafana-plugin-sdk-go's `FrameMeta` (data/frame_meta.go) and
 * `FieldConfig` (data/field_config.go, data/value_mapping.go). Grafana decodes both into typed Go structs: unknown
 * keys are dropped and a value of the wrong type fails the whole QueryData response, so only accepted keys and
 * shapes are listed, in the Go structs' order (the order the encoders write them).
 */
import type { JsonValue } from './frame';

/** Frame types Grafana knows (sdk data/frame_type.go); the data-plane types need a `typeVersion` other than [0,0]. */
export type FrameType =
  | 'timeseries-wide'
  | 'timeseries-long'
  | 'timeseries-many'
  | 'timeseries-multi'
  | 'directory-listing'
  | 'table'
  | 'numeric-wide'
  | 'numeric-multi'
  | 'numeric-long'
  | 'log-lines'
  | 'heatmap-rows'
  | 'heatmap-cells';

/** Explore's visualisation hint (sdk `VisType`). */
export type PreferredVisualisationType = 'graph' | 'table' | 'logs' | 'trace' | 'nodeGraph' | 'flamegraph';

/** A message shown with the data; any severity other than these three fails the Go decode. */
export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
  link?: string;
  /** Inspector tab to suggest. Written as the Go SDK's integer (meta=1 … stats=4), the only form Go decodes. */
  inspect?: 'meta' | 'error' | 'data' | 'stats';
}

/** A query statistic shown in the inspector: a FieldConfig (displayName required) plus a finite value. */
export interface QueryStat extends FieldConfig {
  displayName: string;
  value: number;
}

/** Frame metadata (schema metadata key `meta`); only these keys exist on the Go side. */
export interface FrameMeta {
  type?: FrameType;
  /** Always written; defaults to [0, 0]. Server-side expressions treat a frame as data plane only when it is not [0, 0]. */
  typeVersion?: readonly [number, number];
  path?: string;
  pathSeparator?: string;
  /** Put all plugin-specific metadata here. */
  custom?: JsonValue;
  stats?: readonly QueryStat[];
  notices?: readonly Notice[];
  /** Grafana Live channel, e.g. `ds/<uid>/<path>`. */
  channel?: string;
  preferredVisualisationType?: PreferredVisualisationType;
  preferredVisualisationPluginId?: string;
  executedQueryString?: string;
  dataTopic?: 'annotations';
  /** Indexes of the fields whose values together identify a row. */
  uniqueRowIdFields?: readonly number[];
}

// --- FieldConfig (sdk data/field_config.go, data/value_mapping.go) ---------------------------------------------

/** Display properties of a field (sdk `FieldConfig`); keys are listed in the Go struct's order. */
export interface FieldConfig {
  displayName?: string;
  displayNameFromDS?: string;
  path?: string;
  description?: string;
  filterable?: boolean;
  writeable?: boolean;
  unit?: string;
  /** Integer 0..65535 (Go `*uint16`). */
  decimals?: number;
  /** `null` (or a non-finite number) is written as JSON null, as Go's ConfFloat64 does. */
  min?: number | null;
  max?: number | null;
  /** Expected step between values, in the values' unit (ms for time fields). */
  interval?: number;
  mappings?: readonly ValueMapping[];
  thresholds?: ThresholdsConfig;
  color?: Readonly<Record<string, JsonValue>>;
  links?: readonly DataLink[];
  noValue?: string;
  type?: FieldTypeConfig;
  custom?: Readonly<Record<string, JsonValue>>;
}

/** The result of a value mapping. */
export interface ValueMappingResult {
  text?: string;
  color?: string;
  index?: number;
}

/** Special values a mapping can match. */
export type SpecialValueMatch = 'true' | 'false' | 'null' | 'nan' | 'null+nan' | 'empty';

/** A value mapping; the Go side knows only these three types and fails the decode on any other (e.g. `regex`). */
export type ValueMapping =
  | { type: 'value'; options: Readonly<Record<string, ValueMappingResult>> }
  | { type: 'range'; options: { from?: number | null; to?: number | null; result: ValueMappingResult } }
  | { type: 'special'; options: { match: SpecialValueMatch; result: ValueMappingResult } };

/** Threshold steps; the first step's value is -Infinity, written as null. */
export interface ThresholdsConfig {
  mode: 'absolute' | 'percentage';
  steps: ReadonlyArray<{ value: number | null; color?: string; state?: string }>;
}

/** A link shown on a value. */
export interface DataLink {
  title?: string;
  targetBlank?: boolean;
  url?: string;
  internal?: InternalDataLink;
}

/** A link to an Explore query, built in the backend. */
export interface InternalDataLink {
  query?: JsonValue;
  datasourceUid?: string;
  datasourceName?: string;
  panelsState?: JsonValue;
  transformations?: ReadonlyArray<{
    type?: 'regex' | 'logfmt';
    field?: string;
    expression?: string;
    mapValue?: string;
  }>;
  /** RFC 3339 timestamps (Go `time.Time`). */
  timeRange?: { from: string; to: string };
}

/** Type-specific configuration; `enum.text` names the values of an enum field. */
export interface FieldTypeConfig {
  enum?: {
    text: readonly string[];
    color?: readonly string[];
    icon?: readonly string[];
    description?: readonly string[];
  };
}
