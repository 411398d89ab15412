/**
 * The compose stack (docker-compose.yml, docker/, prometheus/), checked without a Docker engine: pinned images,
 * the Ubuntu Grafana image with the plugin and provisioning mounted and only our plugin ids allowed unsigned, a
 * start-up order with no manual step (healthchecks and depends_on conditions), commands that exist, the postgres
 * init script run for real against a test server (the datasource's role reads the migrated ledger and cannot write
 * it), the alert sink answering Grafana's notifications, and the Prometheus configuration through `promtool`.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import pg from 'pg';
import yaml from 'js-yaml';

import { migrate } from '../../src/ledger/migrate';
import { SCENARIO_NAMES } from '../../src/ledger/simulator/scenarios/index';
import { createTestDatabase, freePort } from '../support/postgres';
import {
  APP_ID,
  DATASOURCE_TYPE,
  compose,
  composeEnvironment,
  readJson,
  ROOT,
  type Json,
} from './support/provisioningFiles';

const COMPOSE = compose();
const SERVICES = COMPOSE.services as Record<string, Json>;
const DOCKERFILE = readFileSync(path.join(ROOT, 'docker', 'ledger.Dockerfile'), 'utf8');
const PACKAGE = readJson('package.json');

function command(service: string): string[] {
  const value = SERVICES[service]!.command;
  return Array.isArray(value) ? value.map(String) : String(value).split(/\s+/);
}

describe('docker-compose.yml', () => {
  test('has the stack of the issue', () => {
    for (const service of ['postgres', 'migrate', 'simulator', 'plugin', 'grafana', 'prometheus', 'alert-sink']) {
      assert.ok(SERVICES[service], `service ${service}`);
    }
  });

  test('pins every image', () => {
    for (const [name, service] of Object.entries(SERVICES)) {
      const image = String(service.image ?? '');
      if (service.build) {
        assert.match(image, /:local$/, `${name}: a locally built image with an explicit name`);
        continue;
      }
      assert.match(image, /^[\w./-]+:v?\d+(\.\d+){1,2}(-[\w.-]+)?$/, `${name}: ${image} is pinned to a version`);
    }
    for (const [, image] of DOCKERFILE.matchAll(/^(?:ARG \w+_IMAGE=|FROM )(\S+)/gm)) {
      if (!image!.startsWith('$')) {
        assert.match(image!, /:\d+\.\d+\.\d+-\w+$/, `docker/ledger.Dockerfile: ${image} is pinned`);
      }
    }
  });

  test('Grafana: the default image (Alpine), the plugin and provisioning mounted, only our plugins allowed unsigned', () => {
    const grafana = SERVICES.grafana!;
    // The default tag, not -ubuntu: the backend brings its own glibc (#17, tests/contract/glibcFreeRoot.test.ts).
    assert.match(grafana.image, /^grafana\/grafana:\d+\.\d+\.\d+$/);
    const volumes = grafana.volumes as string[];
    assert.ok(volumes.includes(`ledger-plugin:/var/lib/grafana/plugins/${APP_ID}:ro`), 'the built plugin');
    assert.ok(volumes.includes('./provisioning:/etc/grafana/provisioning:ro'), 'provisioning');
    const datasourceId = readJson('src/datasource/plugin.json').id;
    assert.equal(datasourceId, DATASOURCE_TYPE);
    const env = composeEnvironment('grafana');
    assert.deepEqual(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort(), [APP_ID, datasourceId].sort());
    assert.deepEqual(grafana.ports, ['${GRAFANA_BIND:-127.0.0.1}:3000:3000']);
  });

  test('the plugin service publishes the build into the volume Grafana mounts', () => {
    assert.ok((SERVICES.plugin!.volumes as string[]).includes('ledger-plugin:/plugin'));
    assert.match(command('plugin').join(' '), /cp -a dist\/\. \/plugin\//);
    assert.ok(COMPOSE.volumes && 'ledger-plugin' in COMPOSE.volumes);
  });

  test('starts in order with no manual step', () => {
    const waitsFor = (service: string, dependency: string, condition: string) => {
      const dependsOn = SERVICES[service]!.depends_on as Record<string, { condition: string }>;
      assert.equal(dependsOn?.[dependency]?.condition, condition, `${service} waits for ${dependency} (${condition})`);
    };
    waitsFor('migrate', 'postgres', 'service_healthy');
    waitsFor('simulator', 'migrate', 'service_completed_successfully');
    waitsFor('grafana', 'postgres', 'service_healthy');
    waitsFor('grafana', 'migrate', 'service_completed_successfully');
    waitsFor('grafana', 'plugin', 'service_completed_successfully');
    waitsFor('prometheus', 'grafana', 'service_healthy');
    for (const [name, service] of Object.entries(SERVICES)) {
      for (const [dependency, spec] of Object.entries(
        (service.depends_on ?? {}) as Record<string, { condition: string }>
      )) {
        assert.ok(SERVICES[dependency], `${name} depends on a service that exists`);
        if (spec.condition === 'service_healthy') {
          assert.ok(SERVICES[dependency]!.healthcheck?.test, `${dependency} has the healthcheck ${name} waits for`);
        }
      }
    }
    assert.match(
      JSON.stringify(SERVICES.postgres!.healthcheck.test),
      /pg_isready -h 127\.0\.0\.1/,
      'postgres is ready on TCP, not during initdb'
    );
  });

  test('runs npm scripts and simulator options that exist', () => {
    const scripts = PACKAGE.scripts as Record<string, string>;
    for (const service of ['migrate', 'simulator']) {
      const args = command(service);
      assert.equal(args[0], 'npm');
      const script = args.filter((a) => !a.startsWith('-'))[2]!;
      assert.ok(scripts[script], `package.json has the "${script}" script ${service} runs`);
    }
    const cli = readFileSync(path.join(ROOT, 'src', 'ledger', 'simulator', 'cli.ts'), 'utf8');
    const simulatorArgs = command('simulator');
    for (const option of simulatorArgs.slice(simulatorArgs.indexOf('--') + 1).filter((a) => a.startsWith('--'))) {
      assert.match(cli, new RegExp(`\\b${option.slice(2)}: \\{ type:`), `the simulator CLI has ${option}`);
    }
    const scenario = simulatorArgs[simulatorArgs.indexOf('--scenario') + 1]!.replace(/^\$\{\w+:-([^}]*)\}$/, '$1');
    assert.ok(SCENARIO_NAMES.includes(scenario), `default scenario ${scenario}`);
    const owner = composeEnvironment('migrate').DATABASE_URL!;
    const postgres = composeEnvironment('postgres');
    assert.equal(
      owner,
      `postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`
    );
    assert.equal(composeEnvironment('simulator').DATABASE_URL, owner, 'the simulator writes as the owner');
  });

  test('the Dockerfile builds the plugin for the host architecture with the project’s own scripts', () => {
    assert.ok((PACKAGE.scripts as Record<string, string>)['build:frontend'], 'build:frontend');
    assert.match(DOCKERFILE, /npm ci/);
    assert.match(DOCKERFILE, /node scripts\/build-backend\.mjs --only=/);
    assert.match(readFileSync(path.join(ROOT, 'scripts', 'build-backend.mjs'), 'utf8'), /--only=/);
    const ignore = readFileSync(path.join(ROOT, 'docker', 'ledger.Dockerfile.dockerignore'), 'utf8');
    assert.match(ignore, /node_modules/);
    assert.match(ignore, /^dist$/m);
  });
});

describe('the postgres init script', () => {
  test('creates the datasource role: it reads the migrated ledger and cannot write it', async (t) => {
    const psql = spawnSync('psql', ['--version']);
    if (psql.status !== 0) {
      if (process.env.CI) {
        assert.fail('psql is needed to run docker/postgres/10-ledger-roles.sh');
      }
      t.skip('psql is not installed');
      return;
    }
    const db = await createTestDatabase('stackinit');
    const admin = new URL(db.url);
    const reader = `${db.name}_reader`;
    try {
      const result = spawnSync('sh', [path.join(ROOT, 'docker', 'postgres', '10-ledger-roles.sh')], {
        env: {
          ...process.env,
          PGHOST: admin.hostname,
          PGPORT: admin.port,
          PGPASSWORD: decodeURIComponent(admin.password),
          POSTGRES_USER: decodeURIComponent(admin.username),
          POSTGRES_DB: db.name,
          LEDGER_READER_USER: reader,
          LEDGER_READER_PASSWORD: 'it\'s a "test"',
        },
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      await migrate(db.url);
      const url = new URL(db.url);
      url.username = reader;
      url.password = 'it\'s a "test"';
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const rows = await client.query('SELECT count(*)::int AS n FROM ledger_events');
        assert.equal(rows.rows[0].n, 0);
        await assert.rejects(
          client.query(`INSERT INTO ledger_events (occurred_at, kind) VALUES (now(), 'insight')`),
          (error: { code?: string }) => error.code === '42501'
        );
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
      const cleanup = new pg.Client({ connectionString: new URL('/postgres', db.url).toString() });
      await cleanup.connect();
      await cleanup.query(`DROP ROLE IF EXISTS ${reader}`).finally(() => cleanup.end());
    }
  });
});

describe('the alert sink', () => {
  test('answers Grafana webhook and Slack notifications with "ok"', async () => {
    const port = await freePort();
    const sink = spawn(process.execPath, [path.join(ROOT, 'docker', 'alert-sink', 'server.mjs')], {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    sink.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    try {
      for (let i = 0; i < 50 && !output.includes('listening'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const webhook = await fetch(`http://127.0.0.1:${port}/pager`, {
        method: 'POST',
        body: JSON.stringify({
          alerts: [
            {
              status: 'firing',
              labels: { alertname: 'Queue backlog', severity: 'critical' },
              annotations: { summary: '255 jobs' },
            },
          ],
        }),
      });
      assert.equal(await webhook.text(), 'ok');
      const slack = await fetch(`http://127.0.0.1:${port}/chat`, {
        method: 'POST',
        body: JSON.stringify({ attachments: [{ title: 'Slow tools', text: 'p99' }] }),
      });
      assert.equal(slack.status, 200);
      assert.equal(await slack.text(), 'ok');
      for (let i = 0; i < 20 && !output.includes('Slow tools'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(output, /pager: firing Queue backlog severity=critical 255 jobs/);
      assert.match(output, /chat: Slow tools p99/);
    } finally {
      sink.kill();
    }
  });
});

describe('prometheus/prometheus.yml', () => {
  const configPath = path.join(ROOT, 'prometheus', 'prometheus.yml');
  const config = yaml.load(readFileSync(configPath, 'utf8')) as Json;

  test('scrapes the plugin metrics endpoint through Grafana as the admin', () => {
    const job = (config.scrape_configs as Json[]).find((c) => c.job_name === 'ledger-plugin')!;
    assert.equal(job.metrics_path, `/api/plugins/${DATASOURCE_TYPE}/metrics`);
    assert.equal(job.basic_auth.username, composeEnvironment('grafana').GF_SECURITY_ADMIN_USER);
    assert.deepEqual(job.static_configs[0].targets, ['grafana:3000']);
    const entrypoint = (SERVICES.prometheus!.entrypoint as string[]).join(' ');
    assert.ok(
      entrypoint.includes(`> ${job.basic_auth.password_file}`),
      'the entrypoint writes the password file it reads'
    );
    assert.ok(
      (SERVICES.prometheus!.volumes as string[]).includes(
        './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro'
      )
    );
  });

  test('passes promtool check config', (t) => {
    const promtool = spawnSync('promtool', ['--version']);
    if (promtool.error || promtool.status !== 0) {
      if (process.env.CI) {
        assert.fail('promtool is missing in CI (.ci/run installs the prometheus package)');
      }
      t.skip('promtool is not installed (apt-get install -y prometheus); CI runs this check');
      return;
    }
    const result = spawnSync('promtool', ['check', 'config', configPath], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.ok(existsSync(configPath));
  });
});
