/**
 * Shapes of saved queries, for the saved-model tolerance tests (#12): valid models of every query type, mutated the
 * way dashboards written by tools, the HTTP API, cleared editor fields and old versions of the plugin mutate them.
 *
 * Each shape says what it must do. A *tolerated* shape (optional fields null or missing, Grafana's own and unknown
 * keys added, numbers as strings, old versions, fields of other query types) carries the `canonical` model it
 * means, written here independently of the code under test; it must run exactly as that model runs. A *broken*
 * shape (one required field missing, null or empty, or one field of a wrong type or value) must fail with a
 * message that names `offendingField`. The same seed always gives the same shapes.
 */
import type { QueryType } from '../../src/contract/query';
import { createRandom, type Random } from '../../src/ledger/simulator/rng';

type Model = Record<string, unknown>;

/** One valid model per query type, every optional field of its type set. Ids exist in the queryTypes fixture. */
export const VALID_MODELS: Readonly<Record<QueryType, Model>> = {
  metrics: {
    version: 1,
    queryType: 'metrics',
    metric: 'job.completed',
    aggregation: 'count',
    groupBy: ['mode'],
    filters: [{ key: 'mode', operator: '!=', value: 'none' }],
    format: 'timeseries',
    live: false,
    legend: '{{mode}}',
  },
  logs: {
    version: 1,
    queryType: 'logs',
    search: 'job',
    filters: [{ key: 'mode', operator: 'in', value: ['genius', 'mechanic'] }],
    limit: 50,
    live: false,
  },
  jobs: {
    version: 1,
    queryType: 'jobs',
    filters: [{ key: 'mode', operator: '=', value: 'genius' }],
    jobConditions: [{ field: 'duration_ms', operator: '>', value: 60_000 }],
    jobWindow: 'finished',
    sortBy: 'duration_ms',
    sortDesc: true,
    limit: 20,
  },
  traces: { version: 1, queryType: 'traces', traceId: 'job-42' },
  sql: {
    version: 1,
    queryType: 'sql',
    rawSql: 'SELECT kind, count(*) AS n FROM ledger_events WHERE $__timeFilter(occurred_at) GROUP BY kind',
    sqlFormat: 'table',
  },
  variables: {
    version: 1,
    queryType: 'variables',
    dimension: 'mode',
    filters: [{ key: 'worker', operator: '=~', value: 'w.*' }],
  },
  annotations: {
    version: 1,
    queryType: 'annotations',
    annotationSources: ['job.failed', 'incident'],
    filters: [{ key: 'mode', operator: '=', value: 'genius' }],
  },
};

/** The field each query type cannot run without. */
const REQUIRED: Partial<Record<QueryType, string>> = {
  metrics: 'metric',
  traces: 'traceId',
  sql: 'rawSql',
  variables: 'dimension',
};

/** Every field of the model: a query keeps the fields of the other types when the editor switches type. */
const FIELDS = [
  'version',
  'metric',
  'aggregation',
  'groupBy',
  'filters',
  'format',
  'live',
  'legend',
  'search',
  'limit',
  'traceId',
  'rawSql',
  'sqlFormat',
  'dimension',
  'annotationSources',
  'jobConditions',
  'jobWindow',
  'sortBy',
  'sortDesc',
] as const;
type Field = (typeof FIELDS)[number];

/** Values of a wrong JSON type, or outside the field's choices: wrong whatever the query type. */
const WRONG_ANYWHERE: Record<Field | 'queryType', readonly unknown[]> = {
  version: ['one', true, [], {}],
  queryType: ['metric', 42, true, {}],
  metric: [42, true, ['job.completed'], {}],
  aggregation: ['median', 7, false],
  groupBy: ['mode', 42, {}, ['nope'], [1]],
  filters: [
    'mode=genius',
    42,
    {},
    [42],
    [{ key: 'mode', operator: '=', value: null }],
    [{ key: 'mode', operator: '=' }],
    [{ key: 'nope', operator: '=', value: 'x' }],
    [{ key: 'mode', operator: '≈', value: 'x' }],
    [{ operator: '=', value: 'x' }],
  ],
  format: ['graph', 1, true],
  live: ['yes', 1, [], {}],
  legend: [42, true, [], {}],
  search: [42, false, ['x']],
  limit: ['many', true, [], {}, 0, -5, '0', 1.5, 1e9],
  traceId: [42, true, {}],
  rawSql: [42, true, ['SELECT 1']],
  sqlFormat: ['graph', 2, true],
  dimension: ['nope', 3, true],
  annotationSources: ['incident', ['nope'], 42, {}],
  jobConditions: [
    'duration_ms>60000',
    42,
    {},
    [{ field: 'nope', operator: '>', value: 1 }],
    [{ field: 'duration_ms', operator: '!=', value: 1 }],
    [{ field: 'duration_ms', operator: '>', value: 'a lot' }],
    [{ field: 'duration_ms', operator: '>' }],
  ],
  jobWindow: ['yesterday', 1, true],
  sortBy: ['slowest', 3, true],
  sortDesc: ['yes', 1, []],
};

/** Values that are well-typed but cannot run in a query of this type (its required field empty, a wrong metric…). */
const WRONG_FOR_TYPE: Partial<Record<QueryType, Partial<Record<Field, readonly unknown[]>>>> = {
  metrics: {
    metric: ['', 'no.such.metric'],
    groupBy: [['tool']],
    filters: [[{ key: 'tool', operator: '=', value: 'read_file' }]],
    aggregation: ['p99'],
  },
  traces: { traceId: ['', '   '] },
  sql: { rawSql: ['', '  \n '] },
};

/** Keys Grafana and other tools store beside a datasource's own fields. */
const GRAFANA_KEYS: Model = {
  datasource: { type: 'aicodeteam-ledger-datasource', uid: 'ledger-dev' },
  hide: false,
  key: 'Q-8d1c5c83-0b0e-4a4f-9d43-7f5a4bbf5d12-0',
  intervalMs: 30_000,
  maxDataPoints: 1_200,
  datasourceId: 7,
  editorMode: 'builder',
  exemplar: false,
  instant: null,
  range: true,
  expr: '',
};

/** A saved query and what it must do. */
export interface SavedShape {
  queryType: QueryType;
  /** What was done to the valid model, for failure messages. */
  label: string;
  /** The JSON a dashboard stores. */
  saved: Model;
  /** Tolerated shapes: the valid model it means. */
  canonical?: Model;
  /** Broken shapes: the field the error must name. */
  offendingField?: string;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function randomJson(r: Random, depth = 0): unknown {
  switch (r.int(0, depth > 1 ? 3 : 5)) {
    case 0:
      return null;
    case 1:
      return r.int(-1_000, 1_000);
    case 2:
      return r.pick(['', 'x', 'metrics', '$__all', 'null']);
    case 3:
      return r.chance(0.5);
    case 4:
      return [randomJson(r, depth + 1), randomJson(r, depth + 1)];
    default:
      return { [`k${r.hex(2)}`]: randomJson(r, depth + 1) };
  }
}

/** The tolerated mutations of a query type's valid model: each edits the saved JSON and the model it means. */
function toleratedMutations(queryType: QueryType): Array<(r: Random, saved: Model, canonical: Model) => string> {
  const base = VALID_MODELS[queryType];
  const own = Object.keys(base).filter((key) => key !== 'queryType' && key !== REQUIRED[queryType]);
  const foreign = FIELDS.filter((field) => !(field in base));
  const foreignValue = (r: Random, field: Field) =>
    clone(r.pick(Object.values(VALID_MODELS).filter((model) => field in model))[field]);
  const mutations: Array<(r: Random, saved: Model, canonical: Model) => string> = [
    (r, saved, canonical) => {
      const field = r.pick(own);
      saved[field] = null;
      delete canonical[field];
      return `${field}: null`;
    },
    (r, saved, canonical) => {
      const field = r.pick(own);
      delete saved[field];
      delete canonical[field];
      return `no ${field}`;
    },
    (r, saved) => {
      const field = r.pick(foreign);
      saved[field] = null;
      return `foreign ${field}: null`;
    },
    (r, saved, canonical) => {
      const field = r.pick(foreign);
      saved[field] = foreignValue(r, field);
      canonical[field] = clone(saved[field]);
      return `foreign ${field} kept`;
    },
    (r, saved) => {
      const key = r.pick(Object.keys(GRAFANA_KEYS));
      saved[key] = clone(GRAFANA_KEYS[key]);
      return `grafana ${key}`;
    },
    (r, saved) => {
      const key = `x_${r.hex(4)}`;
      saved[key] = randomJson(r);
      return `extra ${key}`;
    },
    (r, saved, canonical) => {
      const version = r.pick([undefined, null, 0, '0', '1', ' 1 ']);
      if (version === undefined) {
        delete saved.version;
      } else {
        saved.version = version;
      }
      canonical.version = 1;
      return `version ${JSON.stringify(version)}`;
    },
  ];
  if (typeof base.limit === 'number') {
    mutations.push((r, saved, canonical) => {
      const limit = r.int(1, 500);
      saved.limit = r.chance(0.5) ? String(limit) : ` ${limit} `;
      canonical.limit = limit;
      return `limit "${limit}"`;
    });
  }
  if (queryType === 'metrics') {
    // Without a type of its own a query is a metrics query (Grafana's queryType beside the JSON is empty then).
    mutations.push((r, saved) => {
      const value = r.pick([undefined, null, '']);
      if (value === undefined) {
        delete saved.queryType;
      } else {
        saved.queryType = value;
      }
      return `queryType ${JSON.stringify(value)}`;
    });
  }
  return mutations;
}

/** One broken mutation: a required field missing/null/empty, or one field wrong. Returns the field. */
function breakOne(r: Random, queryType: QueryType, saved: Model): { label: string; field: string } {
  const required = REQUIRED[queryType];
  if (required && r.chance(0.25)) {
    const how = r.pick(['missing', 'null']);
    if (how === 'missing') {
      delete saved[required];
    } else {
      saved[required] = null;
    }
    return { label: `${required} ${how}`, field: required };
  }
  const forType = WRONG_FOR_TYPE[queryType] ?? {};
  if (Object.keys(forType).length > 0 && r.chance(0.3)) {
    const field = r.pick(Object.keys(forType) as Field[]);
    saved[field] = clone(r.pick(forType[field]!));
    return { label: `${field}: ${JSON.stringify(saved[field])}`, field };
  }
  const field = r.pick(Object.keys(WRONG_ANYWHERE) as Array<keyof typeof WRONG_ANYWHERE>);
  saved[field] = clone(r.pick(WRONG_ANYWHERE[field]));
  return { label: `${field}: ${JSON.stringify(saved[field])}`, field };
}

/**
 * `count` shapes from `seed`, spread over the query types: up to three tolerated mutations each, and in about two
 * cases out of five one broken mutation on top.
 */
export function savedQueryShapes(seed: number, count: number): SavedShape[] {
  const r = createRandom(seed);
  const types = Object.keys(VALID_MODELS) as QueryType[];
  const shapes: SavedShape[] = [];
  for (let i = 0; i < count; i++) {
    const queryType = types[i % types.length]!;
    const saved = clone(VALID_MODELS[queryType]);
    const canonical = clone(VALID_MODELS[queryType]);
    const mutations = toleratedMutations(queryType);
    const labels: string[] = [];
    for (let n = r.int(0, 3); n > 0; n--) {
      labels.push(r.pick(mutations)(r, saved, canonical));
    }
    if (r.chance(0.4)) {
      const broken = breakOne(r, queryType, saved);
      labels.push(`BROKEN ${broken.label}`);
      shapes.push({ queryType, label: labels.join(', '), saved, offendingField: broken.field });
    } else {
      shapes.push({ queryType, label: labels.join(', ') || 'as saved', saved, canonical });
    }
  }
  return shapes;
}

/** Whether an error message names `field` the way the plugin's messages do (`field: …`, `field.0.value: …`). */
export function namesField(message: string, field: string): boolean {
  return message.includes(`${field}:`) || message.includes(`${field}.`);
}
