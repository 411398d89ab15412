/**
 * Secrets (#9): the datasource password and the TLS client key (and the certificates next to it) never appear in
 * the plugin's logs, errors, health messages and details, frames, stream packets, resource bodies or metrics.
 * Every path is provoked — a working TLS connection (verify-full, client certificate), a wrong password, an
 * unreachable and an unresolvable host, a certificate from the wrong CA, unreadable key and CA material, a server
 * without TLS, invalid settings, query errors and timeouts, streams, resources, metrics — with trace logging on;
 * everything that comes back is searched for each secret and its base64, base64url, hex, URL- and JSON-encoded forms,
 * and for every line of the key's body.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { freePort } from '../support/postgres';
import { READER_PASSWORD, startLedgerServer, type LedgerServer } from './support/ledgerServer';
import { channelPathOf, LiveStream } from './support/liveStream';
import { metricsText, sleep } from './support/observe';
import { makeTlsMaterial, type TlsMaterial } from './support/tls';

const WRONG_PASSWORD = 'Wr0ng-Pw-3e9f1c-distinctive';
const FAKE_KEY =
  '-----BEGIN PRIVATE KEY-----\nRkFLRUtFWU1BVEVSSUFMZGlzdGluY3RpdmU3MzkxYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4\n-----END PRIVATE KEY-----\n';
const FAKE_CERT =
  '-----BEGIN CERTIFICATE-----\nRkFLRUNFUlRJRklDQVRFZGlzdGluY3RpdmU0NDIxenl4d3Z1dHNycXBvbm1sa2ppaGdmZWRj\n-----END CERTIFICATE-----\n';

let server: LedgerServer;
let plugin: PluginUnderTest;
let tls: TlsMaterial;
let stateDir: string;
let noTls: net.Server;
/** Everything the plugin said, as text. */
const outputs: string[] = [];

/** Keeps a response (Buffers as UTF-8 text: frames, details and bodies included). */
function record(value: unknown): void {
  outputs.push(
    JSON.stringify(value, (_key, v: unknown) => {
      if (
        v &&
        typeof v === 'object' &&
        (v as { type?: string }).type === 'Buffer' &&
        Array.isArray((v as { data?: unknown }).data)
      ) {
        return Buffer.from((v as { data: number[] }).data).toString('utf8');
      }
      return v;
    })
  );
}

before(async () => {
  server = await startLedgerServer({ seedHours: 0.5 });
  tls = makeTlsMaterial();
  await tls.enableOn(server.cluster, server.cluster.adminUrl);
  noTls = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end('N'));
  });
  await new Promise<void>((resolve) => noTls.listen(0, '127.0.0.1', resolve));
  stateDir = mkdtempSync(path.join(tmpdir(), 'hardening-secrets-'));
  plugin = await launchPlugin({ env: { LEDGER_STATE_DIR: stateDir, LEDGER_LOG_LEVEL: 'trace' } });
});

after(() => {
  plugin?.kill();
  noTls?.close();
  server?.close();
  tls?.remove();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A datasource context carrying every secret, pointed at `host:port` with the given TLS settings. */
function contextWith(
  name: string,
  options: {
    url?: string;
    password?: string;
    sslmode?: string;
    ca?: string;
    cert?: string;
    key?: string;
    jsonData?: unknown;
  }
) {
  const context = datasourceContext({
    url: options.url ?? server.readerUrl,
    uid: `secrets-${name}`,
    jsonData: { sslmode: options.sslmode ?? 'verify-full', connectTimeoutMs: 2_000, statementTimeoutMs: 1_000 },
  });
  (context.dataSourceInstanceSettings as { decryptedSecureJsonData: Record<string, string> }).decryptedSecureJsonData =
    {
      password: options.password ?? READER_PASSWORD,
      tlsCACert: options.ca ?? tls.ca,
      tlsClientCert: options.cert ?? tls.clientCert,
      tlsClientKey: options.key ?? tls.clientKey,
    };
  if (options.jsonData !== undefined) {
    context.dataSourceInstanceSettings.jsonData = Buffer.from(String(options.jsonData));
  }
  return context;
}

/** Every call a datasource gets: health, each query type (and failing ones), resources, streams. */
async function exercise(pluginContext: ReturnType<typeof contextWith>, streams: boolean): Promise<string> {
  const health = await plugin.unary('diagnostics', 'CheckHealth', { pluginContext });
  record(health);
  const now = Date.now();
  const range = { from: now - 3_600_000, to: now };
  const queries = [
    { queryType: 'metrics', metric: 'job.completed', groupBy: ['mode'] },
    { queryType: 'metrics', metric: 'job.failure_rate', format: 'instant' },
    { queryType: 'logs', limit: 20 },
    { queryType: 'traces', traceId: server.jobIds[0] },
    {
      queryType: 'sql',
      rawSql:
        'SELECT current_user, inet_server_addr()::text AS server, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
    },
    { queryType: 'sql', rawSql: 'SELECT no_such_column FROM ledger_events' },
    { queryType: 'sql', rawSql: 'SELECT pg_sleep(3)' },
    { queryType: 'sql', rawSql: "SELECT current_setting('ssl_key_file'), current_setting('password_encryption')" },
    { queryType: 'variables', dimension: 'worker' },
    { queryType: 'annotations' },
  ];
  record(
    await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: queries.map((json, i) => dataQuery(`Q${i}`, json, range)),
    })
  );
  for (const resource of ['metrics', 'sql/schema', 'dimensions/mode/values', `jobs/${server.jobIds[0]}`, 'jobs/nope']) {
    record(
      await plugin.collect('resource', 'CallResource', { pluginContext, path: resource, method: 'GET', url: resource })
    );
  }
  if (streams) {
    const answer = await plugin.unary('data', 'QueryData', {
      pluginContext,
      queries: [
        dataQuery('M', { queryType: 'metrics', metric: 'error.total', live: true }, range),
        dataQuery('L', { queryType: 'logs', live: true }, range),
      ],
    });
    record(answer);
    const uid = pluginContext.dataSourceInstanceSettings.uid;
    for (const refId of ['M', 'L']) {
      const streamPath = await channelPathOf(answer.responses[refId].frames[0], uid);
      record(await plugin.unary('stream', 'SubscribeStream', { pluginContext, path: streamPath }));
      record(
        await plugin.unary('stream', 'PublishStream', { pluginContext, path: streamPath, data: Buffer.from('{}') })
      );
      const stream = new LiveStream(plugin, { pluginContext, path: streamPath });
      await sleep(300);
      await server.append([{ kind: 'error', occurredAt: new Date(), name: 'SecretsProbe' }]);
      await sleep(1_000);
      record(stream.packets);
      stream.cancel();
    }
  }
  if (process.env.HARDENING_VERBOSE) {
    console.log(`${pluginContext.dataSourceInstanceSettings.uid}: ${health.status} ${health.message}`);
  }
  return `${health.status} ${health.message}`;
}

/** Each secret in every form it could leak in. */
function forms(secret: string): string[] {
  const lines = secret.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----'));
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
    encodeURIComponent(secret),
    ...lines,
  ];
}

describe('secrets never leave the plugin', () => {
  it('over a working TLS connection (verify-full, client certificate)', async () => {
    const summary = await exercise(contextWith('ok', {}), true);
    assert.match(summary, /^OK Connected to PostgreSQL/, summary);
    assert.ok(outputs.join('\n').includes('SecretsProbe'), 'the streams ran');
  });

  it('when the password is wrong', async () => {
    assert.match(
      await exercise(contextWith('wrong-password', { password: WRONG_PASSWORD }), false),
      /^ERROR \[auth\] /
    );
  });

  it('when the host is unreachable or unknown', async () => {
    const closed = `postgres://grafana_reader@127.0.0.1:${await freePort()}/ledger`;
    assert.match(await exercise(contextWith('unreachable', { url: closed }), false), /^ERROR \[network\] /);
    const unknown = 'postgres://grafana_reader@ledger-db.invalid:5432/ledger';
    assert.match(await exercise(contextWith('unknown-host', { url: unknown }), false), /^ERROR \[network\] /);
  });

  it('when TLS fails: wrong CA, unreadable key, certificate and CA, a server without TLS', async () => {
    assert.match(await exercise(contextWith('wrong-ca', { ca: tls.otherCa }), false), /^ERROR \[tls\] /);
    assert.match(await exercise(contextWith('fake-key', { key: FAKE_KEY, cert: FAKE_CERT }), false), /^ERROR \[tls\] /);
    assert.match(await exercise(contextWith('fake-ca', { ca: FAKE_CERT }), false), /^ERROR \[tls\] /);
    const plain = `postgres://grafana_reader@127.0.0.1:${(noTls.address() as net.AddressInfo).port}/ledger`;
    assert.match(await exercise(contextWith('no-tls', { url: plain, sslmode: 'require' }), false), /^ERROR \[tls\] /);
  });

  it('when the settings are invalid', async () => {
    const bad = JSON.stringify({ database: 'ledger', sslmode: 'bogus', maxOpenConns: 'lots' });
    assert.match(await exercise(contextWith('bad-settings', { jsonData: bad }), false), /^ERROR \[config\] /);
    assert.match(await exercise(contextWith('not-json', { jsonData: '{"password": ' }), false), /^ERROR \[config\] /);
  });

  it('appears nowhere: responses, frames, packets, health, metrics and logs', async () => {
    record(await metricsText(plugin));
    const everything = [...outputs, ...plugin.stderr].join('\n');
    const secrets = {
      password: READER_PASSWORD,
      'wrong password': WRONG_PASSWORD,
      'client key': tls.clientKey,
      'client certificate': tls.clientCert,
      'CA certificate': tls.ca,
      'fake key': FAKE_KEY,
      'fake certificate': FAKE_CERT,
    };
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of forms(secret)) {
        assert.equal(
          everything.includes(form),
          false,
          `the ${name} appears (as ${JSON.stringify(form.slice(0, 40))}…)`
        );
      }
    }
    assert.ok(plugin.stderr.length > 20, 'trace logging was on');
    assert.equal(plugin.child.exitCode, null);
  });
});
