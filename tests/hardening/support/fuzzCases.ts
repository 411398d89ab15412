/**
 * The fuzzer's inputs, from a seeded PRNG: valid requests of every pluginv2 method, then mutated at two levels —
 * semantically (hostile query JSON, resource paths and bodies, stream paths, settings, numbers) and as bytes (bit
 * flips, truncation, inserted garbage, wrong wire types, huge length prefixes) — plus unknown method paths.
 * The same seed always gives the same cases, so a failure is reproduced by its seed and case number.
 */
import { deflateRawSync } from 'node:zlib';

import { createRandom, type Random } from '../../../src/ledger/simulator/rng';
import { encode } from './rawGrpc';

/** One fuzz case: a method, how it is called, the request bytes and a label saying what was done to them. */
export interface FuzzCase {
  index: number;
  method: string;
  streaming: boolean;
  bytes: Buffer;
  label: string;
}

/** What the cases are built around: the datasource context of a real ledger and ids that exist in it. */
export interface FuzzTarget {
  context: Record<string, any>;
  jobIds: readonly string[];
  /** A valid live channel path of the datasource (metrics). */
  livePath: string;
}

interface Method {
  path: string;
  type: string;
  streaming: boolean;
  weight: number;
  seed(r: Random, t: FuzzTarget): Record<string, unknown>;
}

const NOW = () => Date.now();

/** Hostile values for any JSON position: type confusion, extremes, injection text, unicode, prototype keys. */
function hostileValue(r: Random, depth = 0): unknown {
  const choices: Array<() => unknown> = [
    () => null,
    () => r.chance(0.5),
    () => r.pick([0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e-308, 4294967296]),
    () => r.pick(['', ' ', 'NaN', 'Infinity', '-1', '1e999', '0x10', 'true', 'null', '[]', '{}']),
    () => r.pick(["'; DROP TABLE ledger_events; --", '" OR 1=1 --', '$1', '$$ $$', '\\', '%_', '$__timeFilter(']),
    () => r.pick(['\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e', '😀'.repeat(50), 'ü\u0301', '\r\n\t']),
    () => 'x'.repeat(r.pick([101, 1_001, 10_001, 100_001, 1_000_001])),
    () => r.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']),
    () => (depth < 3 ? Array.from({ length: r.int(0, 4) }, () => hostileValue(r, depth + 1)) : []),
    () =>
      depth < 3
        ? Object.fromEntries(
            Array.from({ length: r.int(0, 3) }, () => [
              r.pick(['__proto__', 'constructor', 'key', 'value', 'operator']),
              hostileValue(r, depth + 1),
            ])
          )
        : {},
    () => nested(r.pick([100, 1_000, 10_000, 100_000])),
  ];
  return r.pick(choices)();
}

/** A value nested `depth` levels deep (`[[[…]]]`), as JSON text is parsed. */
function nested(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
}

const QUERY_FIELDS = [
  'queryType',
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
  'timezone',
  'version',
];

/** A valid query of a random kind. */
function validQuery(r: Random, t: FuzzTarget): Record<string, unknown> {
  return r.pick<() => Record<string, unknown>>([
    () => ({
      queryType: 'metrics',
      metric: r.pick(['job.completed', 'tokens.used', 'job.duration_ms']),
      groupBy: ['mode'],
    }),
    () => ({ queryType: 'metrics', metric: 'job.failure_rate', format: 'instant', live: r.chance(0.3) }),
    () => ({ queryType: 'logs', limit: 20, search: 'error', live: r.chance(0.3) }),
    () => ({ queryType: 'traces', traceId: r.pick(t.jobIds) }),
    () => ({ queryType: 'sql', rawSql: 'SELECT count(*) FROM ledger_events WHERE $__timeFilter(occurred_at)' }),
    () => ({ queryType: 'variables', dimension: 'mode' }),
    () => ({ queryType: 'annotations' }),
  ])();
}

/** Query JSON bytes: valid, a field set to something hostile, or not JSON at all. */
function queryJson(r: Random, t: FuzzTarget): Buffer {
  const query = validQuery(r, t);
  const roll = r.next();
  if (roll < 0.15) {
    return Buffer.from(JSON.stringify(query));
  }
  if (roll < 0.75) {
    for (let i = r.int(1, 3); i > 0; i--) {
      query[r.pick(QUERY_FIELDS)] = hostileValue(r);
    }
    if (r.chance(0.2)) {
      query.filters = [
        {
          key: r.pick(['mode', 'job', 'kind', 'x']),
          operator: r.pick(['=', '=~', 'in', '<>']),
          value: hostileValue(r),
        },
      ];
    }
    return Buffer.from(JSON.stringify(query));
  }
  return r.pick<() => Buffer>([
    () => Buffer.from(JSON.stringify(query).slice(0, r.int(0, 20))),
    () => Buffer.from('{"queryType":"logs","search":"\\ud800"}'),
    () => Buffer.from(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`),
    () => Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    () => Buffer.from('{"__proto__":{"queryType":"sql","rawSql":"DELETE FROM ledger_events"}}'),
    () => Buffer.from('{"queryType":"logs","limit":1e400}'),
    () => Buffer.alloc(r.int(1, 4096), r.int(0, 255)),
  ])();
}

/** A hostile resource path. */
function resourcePath(r: Random, t: FuzzTarget): string {
  return r.pick<() => string>([
    () => r.pick(['metrics', 'sql/schema', `jobs/${r.pick(t.jobIds)}`, 'dimensions/mode/values']),
    () =>
      r.pick(['../../etc/passwd', '..%2f..%2fetc%2fpasswd', 'jobs/..%2F..%2Fsql%2Fschema', '/metrics', '//metrics//']),
    () => `jobs/${r.pick(['%00', '%ZZ', '%', '%2e%2e', "'; DROP TABLE jobs; --", 'x'.repeat(10_000), '\u0000', '😀'])}`,
    () => `dimensions/${r.pick(['mode%2F..', '__proto__', 'constructor', "mode'--", 'x'.repeat(300)])}/values`,
    () => 'x/'.repeat(r.int(1, 50_000)),
    () => String.fromCharCode(...Array.from({ length: r.int(1, 64) }, () => r.int(0, 0xffff))),
  ])();
}

/** A hostile live channel path: garbage, traversal, or a well-formed token around a hostile spec. */
function streamPath(r: Random, t: FuzzTarget): string {
  const spec = (): unknown[] => [
    r.pick([1, 2, 0, '1']),
    r.pick([60_000, 0, -1, 1e15, 5 * 366 * 86_400_000]),
    r.pick([1_000, 0, -5, 1e-9, 1e12]),
    r.pick([100, 0, 1e9]),
    r.pick(['metrics', 'logs', 'sql', 'traces', 'variables']),
    hostileValue(r),
    hostileValue(r),
  ];
  return r.pick<() => string>([
    () => t.livePath,
    () => r.pick(['', 'live/', 'live/j', 'live/h', 'live/z', '../../etc/passwd', 'live/../../x', 'ds/other/live/j']),
    () => `live/j${Buffer.from(JSON.stringify(spec())).toString('base64url')}`,
    () => `live/z${deflateRawSync(JSON.stringify(spec())).toString('base64url')}`,
    () => `live/z${deflateRawSync(Buffer.alloc(1_000_000)).toString('base64url')}`,
    () => `live/h${'0'.repeat(32)}`,
    () => `${t.livePath}${r.pick(['x', '=', '/', '%00', 'A'.repeat(500)])}`,
    () => 'live/j' + 'A'.repeat(r.int(1, 100_000)),
  ])();
}

/** A datasource context, usually valid, sometimes with hostile settings. */
function context(r: Random, t: FuzzTarget): Record<string, any> {
  if (r.chance(0.8)) {
    return t.context;
  }
  const settings = { ...t.context.dataSourceInstanceSettings };
  const field = r.pick(['jsonData', 'url', 'user', 'uid', 'decryptedSecureJsonData', 'missing']);
  if (field === 'missing') {
    return { ...t.context, dataSourceInstanceSettings: undefined };
  }
  if (field === 'jsonData') {
    settings.jsonData = r.chance(0.5)
      ? Buffer.from(
          JSON.stringify({
            ...JSON.parse(settings.jsonData.toString()),
            [r.pick(['maxOpenConns', 'sslmode', 'statementTimeoutMs', 'streamMode', 'database'])]: hostileValue(r),
          })
        )
      : Buffer.from(r.pick(['{', 'null', '[]', '"x"', '\u0000']));
  } else if (field === 'decryptedSecureJsonData') {
    settings.decryptedSecureJsonData = { password: String(hostileValue(r)).slice(0, 10_000), tlsClientKey: 'garbage' };
  } else {
    settings[field] = String(hostileValue(r)).slice(0, 10_000);
  }
  return { ...t.context, dataSourceInstanceSettings: settings };
}

const METHODS: readonly Method[] = [
  {
    path: '/pluginv2.Data/QueryData',
    type: 'pluginv2.QueryDataRequest',
    streaming: false,
    weight: 40,
    seed: (r, t) => {
      const now = NOW();
      const range = r.chance(0.85)
        ? { fromEpochMS: now - 3_600_000, toEpochMS: now }
        : { fromEpochMS: r.pick([0, -1, now, 2 ** 53]), toEpochMS: r.pick([0, now - 1, 2 ** 60, -(2 ** 62)]) };
      return {
        pluginContext: context(r, t),
        headers: r.chance(0.2) ? { FromAlert: 'true', [String(hostileValue(r)).slice(0, 100)]: 'x' } : {},
        queries: Array.from({ length: r.pick([0, 1, 1, 1, 2, 5, 50]) }, (_, i) => ({
          refId: r.chance(0.9) ? `Q${i}` : String(hostileValue(r)).slice(0, 100_000),
          maxDataPoints: r.chance(0.9) ? 500 : r.pick([0, -1, 2 ** 40]),
          intervalMS: r.chance(0.9) ? 60_000 : r.pick([0, -1, 1, 2 ** 40]),
          timeRange: range,
          json: queryJson(r, t),
          queryType: r.chance(0.9) ? '' : String(hostileValue(r)).slice(0, 1_000),
        })),
      };
    },
  },
  {
    path: '/pluginv2.Resource/CallResource',
    type: 'pluginv2.CallResourceRequest',
    streaming: true,
    weight: 20,
    seed: (r, t) => {
      const path = resourcePath(r, t);
      const query = r.pick([
        '',
        '?from=0&to=1',
        '?search=%00',
        '?limit=1e999',
        `?from=${2 ** 60}`,
        '?search=' + 'x'.repeat(5_000),
      ]);
      return {
        pluginContext: context(r, t),
        path,
        method: r.chance(0.8) ? 'GET' : r.pick(['POST', 'DELETE', 'get', '', 'X'.repeat(1_000), 'PATCH']),
        url: `${path}${query}`,
        headers: r.chance(0.2) ? { 'Content-Type': { values: ['application/json'] }, '': { values: [] } } : {},
        body: r.chance(0.3) ? Buffer.alloc(r.int(0, 100_000), r.int(0, 255)) : Buffer.alloc(0),
      };
    },
  },
  ...['SubscribeStream', 'RunStream', 'PublishStream'].map(
    (name): Method => ({
      path: `/pluginv2.Stream/${name}`,
      type: `pluginv2.${name}Request`,
      streaming: name === 'RunStream',
      weight: 8,
      seed: (r, t) => ({
        pluginContext: context(r, t),
        path: streamPath(r, t),
        data: r.chance(0.3) ? Buffer.from(JSON.stringify(hostileValue(r))) : Buffer.alloc(0),
      }),
    })
  ),
  {
    path: '/pluginv2.Diagnostics/CheckHealth',
    type: 'pluginv2.CheckHealthRequest',
    streaming: false,
    weight: 6,
    seed: (r, t) => ({ pluginContext: context(r, t) }),
  },
  {
    path: '/pluginv2.Diagnostics/CollectMetrics',
    type: 'pluginv2.CollectMetricsRequest',
    streaming: false,
    weight: 3,
    seed: (r, t) => ({ pluginContext: r.chance(0.5) ? t.context : {} }),
  },
  {
    path: '/pluginv2.Data/QueryChunkedData',
    type: 'pluginv2.QueryChunkedDataRequest',
    streaming: true,
    weight: 1,
    seed: (_r, t) => ({ pluginContext: t.context }),
  },
  {
    path: '/grpc.health.v1.Health/Check',
    type: 'grpc.health.v1.HealthCheckRequest',
    streaming: false,
    weight: 2,
    seed: (r) => ({ service: r.pick(['plugin', '', 'x'.repeat(1_000)]) }),
  },
];

/** Byte-level damage to an encoded message. */
function mutateBytes(r: Random, bytes: Buffer): { bytes: Buffer; how: string } {
  const copy = Buffer.from(bytes);
  const at = () => r.int(0, Math.max(0, copy.length - 1));
  switch (r.int(0, 7)) {
    case 0: {
      for (let i = r.int(1, 8); i > 0 && copy.length > 0; i--) {
        const i = at();
        copy[i] = copy[i]! ^ (1 << r.int(0, 7));
      }
      return { bytes: copy, how: 'bit flips' };
    }
    case 1:
      return { bytes: copy.subarray(0, r.int(0, copy.length)), how: 'truncated' };
    case 2: {
      const i = at();
      const junk = Buffer.from(Array.from({ length: r.int(1, 32) }, () => r.int(0, 255)));
      return { bytes: Buffer.concat([copy.subarray(0, i), junk, copy.subarray(i)]), how: 'inserted junk' };
    }
    case 3: {
      // a field header with a random number and wire type, then a huge or negative length varint
      const tag = Buffer.from([(r.int(1, 15) << 3) | r.int(0, 7)]);
      const length = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
      return { bytes: Buffer.concat([tag, length, copy]), how: 'bad tag and huge length' };
    }
    case 4: {
      const i = at();
      const j = r.int(i, copy.length);
      return { bytes: Buffer.concat([copy, copy.subarray(i, j)]), how: 'duplicated fields' };
    }
    case 5:
      return { bytes: Buffer.from(Array.from({ length: r.int(0, 256) }, () => r.int(0, 255))), how: 'random bytes' };
    case 6: {
      for (let i = 0; i < copy.length; i++) {
        if (r.chance(0.05)) {
          copy[i] = r.pick([0x00, 0x7f, 0x80, 0xff]);
        }
      }
      return { bytes: copy, how: 'boundary bytes' };
    }
    default:
      return { bytes: Buffer.alloc(0), how: 'empty message' };
  }
}

/** The `count` cases of a seed. */
export function* fuzzCases(seed: number, count: number, target: FuzzTarget): Generator<FuzzCase> {
  const root = createRandom(seed);
  for (let index = 0; index < count; index++) {
    const r = root.fork(`case-${index}`);
    if (r.chance(0.02)) {
      const method = r.pick([
        '/pluginv2.Data/Nope',
        '/nope.Service/Method',
        '/pluginv2.Stream/',
        '/',
        '/plugin.GRPCBroker/StartStream',
      ]);
      yield { index, method, streaming: false, bytes: Buffer.from('junk'), label: 'unknown method' };
      continue;
    }
    const method = r.weighted(METHODS.map((m) => [m, m.weight] as const));
    let bytes: Buffer;
    let label = 'semantic';
    try {
      bytes = encode(method.type, method.seed(r, target));
    } catch (error) {
      // a seed protobufjs refuses to encode (e.g. a lone surrogate in a string) is sent as random bytes
      bytes = Buffer.from(String(error)).subarray(0, 64);
      label = 'unencodable seed';
    }
    if (r.chance(0.35)) {
      const mutated = mutateBytes(r, bytes);
      bytes = mutated.bytes;
      label = `${label} + ${mutated.how}`;
    }
    yield { index, method: method.path, streaming: method.streaming, bytes, label };
  }
}
