/**
 * The provisioning files, checked against Grafana's documented file formats (apiVersion 1; datasources with uid,
 * jsonData, secureJsonData; dashboard providers; alerting groups/rules with data queries and `__expr__`
 * expressions, contact points, notification policies; apps) and against the rest of the repository: the
 * datasource settings parse with the backend's own parser once Grafana has filled in the compose environment,
 * every alert query is one the backend plans, every `runbook_url` is a runbook page the app serves (with the
 * runbook's severity), every panel link points at a shipped dashboard panel showing the rule's metric, and
 * severity=critical routes to the pager while everything else goes to chat.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';

import type { DataQuery } from '../../src/backend/plugin/types';
import { planQuery } from '../../src/backend/query/plan';
import { parseSettings } from '../../src/backend/settings/parseSettings';
import { findRunbook } from '../../src/app/runbooks/index';
import { loadRules, TEMPLATE_FUNCTIONS, type LoadedRule } from './support/alertRules';
import { targetProblems } from './support/dashboardChecks';
import { EXPRESSION_DATASOURCE, expressionInputs, parseGrafanaDuration, parseMath } from './support/expressions';
import {
  allPanels,
  APP_ID,
  compose,
  composeEnvironment,
  dashboards,
  DASHBOARDS_DIR,
  DATASOURCE_TYPE,
  envReferences,
  interpolateDeep,
  LEDGER_DATASOURCE_UID,
  provisioningFiles,
  readYaml,
  ROOT,
  strings,
  type Json,
} from './support/provisioningFiles';

const GRAFANA_ENV = composeEnvironment('grafana');
const PLUGIN_PATH = `/var/lib/grafana/plugins/${APP_ID}`;
const RULES = loadRules();

describe('every provisioning file', () => {
  const files = (['datasources', 'dashboards', 'plugins', 'alerting'] as const).flatMap((kind) =>
    provisioningFiles(kind)
  );

  test('parses as YAML with apiVersion 1', () => {
    assert.ok(files.length >= 7, files.join(', '));
    for (const file of files) {
      assert.equal(readYaml(file).apiVersion, 1, file);
    }
  });

  test('uses only environment variables the compose stack gives Grafana, and keeps no secret in the file', () => {
    for (const file of files) {
      const doc = readYaml(file);
      // alert rule models are taken raw by Grafana (no interpolation), so `$A` in math is not a variable
      const scanned = file.endsWith('ledger-rules.yaml')
        ? { groups: (doc.groups as Json[]).map((g) => ({ ...g, rules: [] })) }
        : doc;
      for (const [at, value] of strings(scanned)) {
        for (const name of envReferences(value)) {
          assert.ok(
            GRAFANA_ENV[name],
            `${file} ${at}: $${name} is not set in docker-compose.yml's grafana environment`
          );
        }
        if (/password|token|integrationKey|secret/i.test(at)) {
          assert.match(value, /^\$\{?\w+\}?$/, `${file} ${at}: secrets come from the environment`);
        }
      }
    }
  });
});

describe('datasources', () => {
  const ledgerFile = readYaml('provisioning/datasources/ledger.yaml');
  const datasources = ledgerFile.datasources as Json[];

  test('the Ledger datasource has the fixed uid the alert rules use', () => {
    assert.equal(datasources.length, 1);
    const ds = datasources[0]!;
    assert.equal(ds.uid, LEDGER_DATASOURCE_UID);
    assert.equal(ds.type, DATASOURCE_TYPE);
    assert.equal(ds.access, 'proxy');
    assert.equal(ds.orgId, 1);
    assert.equal(ds.isDefault, true);
    assert.equal(ds.editable, false, 'provisioned, not edited in the UI');
    assert.ok(ds.jsonData && ds.secureJsonData?.password, 'jsonData and secureJsonData.password');
  });

  test('its settings parse with the backend after Grafana interpolates the compose environment', () => {
    const ds = interpolateDeep(datasources[0]!, GRAFANA_ENV);
    const settings = parseSettings({
      id: 1,
      uid: ds.uid,
      name: ds.name,
      url: ds.url,
      user: ds.user,
      database: '',
      jsonData: ds.jsonData,
      secureJsonData: ds.secureJsonData,
      lastUpdatedMS: 1,
    });
    assert.ok(settings.tokenBudgetDaily && settings.costBudgetDailyUsd, 'budgets set for the Resources dashboard');
    assert.equal(ds.url, 'postgres:5432', 'the compose postgres service');
  });

  test('it logs in as the read-only role the postgres service creates', () => {
    const postgres = composeEnvironment('postgres');
    assert.equal(GRAFANA_ENV.LEDGER_READER_USER, postgres.LEDGER_READER_USER);
    assert.equal(GRAFANA_ENV.LEDGER_READER_PASSWORD, postgres.LEDGER_READER_PASSWORD);
    assert.notEqual(GRAFANA_ENV.LEDGER_READER_USER, postgres.POSTGRES_USER, 'not the owner');
    assert.equal(GRAFANA_ENV.LEDGER_DB_NAME, postgres.POSTGRES_DB);
  });

  test('the stack Prometheus is provisioned too', () => {
    const prometheus = readYaml('provisioning/datasources/prometheus.yaml').datasources as Json[];
    assert.equal(prometheus[0]!.type, 'prometheus');
    assert.equal(interpolateDeep(prometheus[0]!.url, GRAFANA_ENV), 'http://prometheus:9090');
  });
});

describe('apps and dashboards', () => {
  test('the app is enabled', () => {
    const apps = readYaml('provisioning/plugins/ledger-app.yaml').apps as Json[];
    assert.deepEqual(
      apps.map((a) => [a.type, a.org_id, a.disabled]),
      [[APP_ID, 1, false]]
    );
  });

  test('the dashboard provider reads the installed plugin’s dashboards', () => {
    const providers = readYaml('provisioning/dashboards/ledger.yaml').providers as Json[];
    assert.equal(providers.length, 1);
    const provider = providers[0]!;
    assert.equal(provider.type, 'file');
    assert.equal(provider.folder, 'Ledger');
    assert.equal(provider.options.path, `${PLUGIN_PATH}/dashboards`);
    const grafana = compose().services.grafana;
    assert.ok(
      (grafana.volumes as string[]).some((v) => v.startsWith('ledger-plugin:') && v.includes(`:${PLUGIN_PATH}`)),
      'Grafana mounts the plugin there'
    );
  });

  test('webpack copies src/dashboards to dist/dashboards (and the built plugin has them when it exists)', (t) => {
    const webpack = readFileSync(path.join(ROOT, 'webpack.config.ts'), 'utf8');
    const ignored = /NOT_FRONTEND = \[([^\]]*)\]/.exec(webpack)?.[1] ?? '';
    assert.ok(!ignored.includes('dashboards'), 'dashboards are not excluded from the copied JSON');
    const dist = path.join(ROOT, 'dist', 'dashboards');
    const built = path.join(ROOT, 'dist', 'plugin.json');
    const newestSource = Math.max(
      ...[...dashboards().keys()].map((file) => statSync(path.join(DASHBOARDS_DIR, file)).mtimeMs)
    );
    if (existsSync(built) && statSync(built).mtimeMs < newestSource) {
      t.diagnostic('dist/ is older than src/dashboards: run `npm run build` to check the built copies too');
    } else if (existsSync(built)) {
      assert.deepEqual(readdirSync(dist).sort(), [...dashboards().keys()].sort());
      for (const file of readdirSync(dist)) {
        assert.deepEqual(
          JSON.parse(readFileSync(path.join(dist, file), 'utf8')),
          dashboards().get(file),
          `dist/dashboards/${file} is current`
        );
      }
    }
  });

  test('the home dashboard is a shipped one', () => {
    const home = GRAFANA_ENV.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    assert.ok(home.startsWith(`${PLUGIN_PATH}/dashboards/`));
    assert.ok(dashboards().has(path.basename(home)));
  });
});

// ------------------------------------------------------------------------------------------------ alert rules

const NO_DATA_STATES = ['NoData', 'Alerting', 'OK', 'KeepLast'];
const EXEC_ERR_STATES = ['Error', 'Alerting', 'OK', 'KeepLast'];
const REDUCERS = ['last', 'mean', 'min', 'max', 'sum', 'count', 'median'];
const EVALUATORS = ['gt', 'lt', 'within_range', 'outside_range'];

function dataQueries(rule: LoadedRule) {
  return rule.data.filter((q) => q.datasourceUid !== EXPRESSION_DATASOURCE);
}

describe('alert rules', () => {
  test('groups are well formed', () => {
    const groups = new Map(RULES.map((r) => [r.group.name, r.group]));
    for (const group of groups.values()) {
      assert.equal(group.orgId, 1);
      assert.ok(group.folder, 'folder');
      const interval = parseGrafanaDuration(group.interval);
      assert.ok(interval >= 10_000 && interval % 10_000 === 0, `${group.name}: interval is a multiple of 10 s`);
    }
  });

  test('uids and titles are unique; uids fit Grafana (≤ 40 characters)', () => {
    const uids = RULES.map((r) => r.uid);
    assert.equal(new Set(uids).size, uids.length);
    assert.ok(uids.every((uid) => /^[a-zA-Z0-9_-]{1,40}$/.test(uid)));
    const titles = RULES.map((r) => `${r.group.folder}/${r.title}`);
    assert.equal(new Set(titles).size, titles.length);
  });

  for (const rule of RULES) {
    describe(rule.title, () => {
      test('data queries: the Ledger datasource by uid, a relative time range, a model the backend plans', () => {
        const refIds = rule.data.map((q) => q.refId);
        assert.equal(new Set(refIds).size, refIds.length, 'unique refIds');
        assert.ok(refIds.includes(rule.condition), 'the condition is one of the refIds');
        const queries = dataQueries(rule);
        assert.ok(queries.length > 0);
        for (const query of queries) {
          const where = `${rule.uid} ${query.refId}`;
          assert.equal(query.datasourceUid, LEDGER_DATASOURCE_UID, where);
          assert.equal(query.model.refId, query.refId, `${where}: model.refId`);
          assert.deepEqual(query.model.datasource, { type: DATASOURCE_TYPE, uid: LEDGER_DATASOURCE_UID }, where);
          const range = query.relativeTimeRange!;
          assert.ok(
            Number.isInteger(range.from) && Number.isInteger(range.to) && range.from > range.to && range.to >= 0,
            `${where}: relativeTimeRange`
          );
          assert.equal(query.model.queryType, 'metrics', `${where}: a metrics query`);
          assert.deepEqual(targetProblems(query.model), [], where);
          const request: DataQuery = {
            refId: query.refId,
            queryType: 'metrics',
            maxDataPoints: Number(query.model.maxDataPoints ?? 43_200),
            intervalMs: Number(query.model.intervalMs ?? 1_000),
            timeRange: { fromMs: 0, toMs: range.from * 1000 - range.to * 1000 },
            json: Buffer.from(JSON.stringify(query.model)),
          };
          assert.doesNotThrow(() => planQuery(request), where);
          if (query.model.format === 'timeseries') {
            const reduced = rule.data.some(
              (q) => q.model.type === 'reduce' && expressionInputs(q.model).includes(query.refId)
            );
            assert.ok(reduced, `${where}: a time series is reduced before the threshold`);
          } else {
            assert.equal(query.model.format, 'instant', `${where}: instant (numeric) or a reduced time series`);
          }
        }
      });

      test('expressions: reduce, math and threshold over refIds that exist', () => {
        const refIds = new Set(rule.data.map((q) => q.refId));
        for (const expression of rule.data.filter((q) => q.datasourceUid === EXPRESSION_DATASOURCE)) {
          const where = `${rule.uid} ${expression.refId}`;
          const model = expression.model;
          assert.deepEqual(model.datasource, { type: EXPRESSION_DATASOURCE, uid: EXPRESSION_DATASOURCE }, where);
          assert.equal(model.refId, expression.refId, where);
          assert.equal(expression.relativeTimeRange, undefined, `${where}: expressions have no time range`);
          for (const input of expressionInputs(model)) {
            assert.ok(refIds.has(input) && input !== expression.refId, `${where}: input ${input}`);
          }
          switch (model.type) {
            case 'reduce':
              assert.ok(REDUCERS.includes(String(model.reducer)), `${where}: reducer`);
              assert.ok(
                ['dropNN', 'replaceNN', undefined, ''].includes((model.settings as Json | undefined)?.mode),
                `${where}: mode`
              );
              break;
            case 'math':
              assert.doesNotThrow(() => parseMath(String(model.expression)), where);
              break;
            case 'threshold': {
              const conditions = model.conditions as Json[];
              assert.equal(conditions.length, 1, where);
              const evaluator = conditions[0]!.evaluator;
              assert.ok(EVALUATORS.includes(evaluator.type), `${where}: evaluator ${evaluator.type}`);
              assert.ok(
                evaluator.params.every((p: unknown) => typeof p === 'number'),
                `${where}: numeric params`
              );
              break;
            }
            default:
              assert.fail(`${where}: expression type ${String(model.type)}`);
          }
        }
        const condition = rule.data.find((q) => q.refId === rule.condition)!;
        assert.equal(condition.model.type, 'threshold', `${rule.uid}: the condition is a threshold`);
      });

      test('for, no-data and error states, labels', () => {
        assert.doesNotThrow(() => parseGrafanaDuration(rule.for), 'for');
        assert.ok(NO_DATA_STATES.includes(rule.noDataState!), `noDataState ${rule.noDataState}`);
        assert.ok(EXEC_ERR_STATES.includes(rule.execErrState!), `execErrState ${rule.execErrState}`);
        assert.ok(['critical', 'warning'].includes(rule.labels?.severity ?? ''), 'severity');
        assert.ok(rule.labels?.team, 'team');
        for (const [at, value] of strings({ title: rule.title, labels: rule.labels })) {
          assert.ok(!value.includes('$'), `${at}: Grafana would interpolate "$" in ${value}`);
        }
      });

      test('annotations: summary and description with the value, a runbook page the app serves', () => {
        const annotations = rule.annotations ?? {};
        for (const key of ['summary', 'description', 'runbook_url']) {
          assert.ok(annotations[key]?.trim(), `annotation ${key}`);
        }
        // Absolute, so the link works in Slack and webhook payloads too: Grafana's `externalURL` template function is
        // its root_url (pkg/services/ngalert/state/template: Prometheus's expander, given the parsed AppURL, which
        // always ends in "/"), so a Grafana served under a sub-path gets it too.
        const runbook = /^\{\{ externalURL \}\}a\/aicodeteam-ledger-app\/runbooks\/([a-z0-9-]+)$/.exec(
          annotations.runbook_url!
        );
        assert.ok(runbook, `runbook_url ${annotations.runbook_url} is the root URL plus an app route`);
        const page = findRunbook(runbook[1]);
        assert.ok(page, `runbook "${runbook[1]}" is served by the app (src/app/runbooks)`);
        assert.equal(rule.labels?.severity, page.severity, `severity matches the runbook's`);

        const groupBy = new Set(dataQueries(rule).flatMap((q) => (q.model.groupBy ?? []) as string[]));
        const numbers = new Set(
          rule.data
            .filter((q) => q.datasourceUid === EXPRESSION_DATASOURCE || q.model.format === 'instant')
            .map((q) => q.refId)
        );
        for (const key of ['summary', 'description']) {
          const template = annotations[key]!;
          assert.ok(!template.includes('${'), `${key}: no \${…} (newer Grafana interpolates it from the environment)`);
          assert.match(template, /\$values\.\w+\.Value/, `${key} shows the value`);
          for (const [, name] of template.matchAll(/\$labels\.(\w+)/g)) {
            assert.ok(groupBy.has(name!), `${key}: $labels.${name} is a label of the alert instances`);
          }
          for (const [, ref] of template.matchAll(/\$values\.(\w+)/g)) {
            assert.ok(numbers.has(ref!), `${key}: $values.${ref} is a number (instant query or expression)`);
          }
          for (const [, action] of template.matchAll(/\{\{\s*(\w+)/g)) {
            assert.ok(
              (TEMPLATE_FUNCTIONS as readonly string[]).includes(action!),
              `${key}: template function ${action}`
            );
          }
          assert.equal(
            (template.match(/\{\{/g) ?? []).length,
            (template.match(/\}\}/g) ?? []).length,
            `${key}: balanced {{ }}`
          );
        }
      });

      test('links the dashboard panel that shows its metric', () => {
        const dashboard = [...dashboards().values()].find((d) => d.uid === rule.dashboardUid);
        assert.ok(dashboard, `dashboard ${rule.dashboardUid} is shipped`);
        const panel = allPanels(dashboard).find((p) => p.id === rule.panelId);
        assert.ok(panel && panel.type !== 'row', `panel ${rule.panelId} of ${rule.dashboardUid}`);
        const metrics = new Set((panel.targets as Json[]).map((t) => t.metric));
        assert.ok(
          dataQueries(rule).some((q) => metrics.has(q.model.metric)),
          `panel "${panel.title}" shows ${dataQueries(rule)
            .map((q) => q.model.metric)
            .join(', ')}`
        );
      });
    });
  }
});

// ------------------------------------------------------------------------------------------------ notifications

describe('contact points and notification policy', () => {
  const contactPoints = readYaml('provisioning/alerting/ledger-contact-points.yaml').contactPoints as Json[];
  const policies = readYaml('provisioning/alerting/ledger-policies.yaml').policies as Json[];
  const names = new Set(contactPoints.map((c) => c.name as string));

  test('a pager and a chat receiver, configured from the environment', () => {
    const receivers = contactPoints.flatMap((c) => c.receivers as Json[]);
    assert.equal(new Set(receivers.map((r) => r.uid)).size, receivers.length, 'unique receiver uids');
    for (const contactPoint of contactPoints) {
      assert.equal(contactPoint.orgId, 1);
      for (const receiver of contactPoint.receivers as Json[]) {
        assert.ok(['webhook', 'slack', 'pagerduty'].includes(receiver.type), receiver.type);
        const endpoint = receiver.settings.url ?? receiver.settings.integrationKey;
        assert.match(endpoint, /^\$\w+$/, `${contactPoint.name}: endpoint from an environment variable`);
        assert.ok(interpolateDeep(endpoint, GRAFANA_ENV), `${contactPoint.name}: the compose stack sets it`);
      }
    }
    assert.ok(names.has('Ledger pager') && names.has('Ledger chat'));
  });

  test('the compose stack sends both to its alert sink until real endpoints are set', () => {
    assert.equal(GRAFANA_ENV.LEDGER_PAGER_WEBHOOK_URL, 'http://alert-sink:8080/pager');
    assert.equal(GRAFANA_ENV.LEDGER_SLACK_WEBHOOK_URL, 'http://alert-sink:8080/chat');
  });

  /** Alertmanager-style routing of one alert's labels through the provisioned tree. */
  function route(labels: Record<string, string>): string {
    const root = policies[0]!;
    const matches = (node: Json) =>
      ((node.object_matchers ?? []) as string[][]).every(([name, op, value]) => {
        const actual = labels[name!] ?? '';
        switch (op) {
          case '=':
            return actual === value;
          case '!=':
            return actual !== value;
          case '=~':
            return new RegExp(`^(?:${value})$`).test(actual);
          case '!~':
            return !new RegExp(`^(?:${value})$`).test(actual);
          default:
            throw new Error(`matcher operator ${op}`);
        }
      });
    const child = ((root.routes ?? []) as Json[]).find(matches);
    return (child?.receiver ?? root.receiver) as string;
  }

  test('severity=critical goes to the pager, everything else to chat', () => {
    assert.equal(policies.length, 1);
    const root = policies[0]!;
    assert.equal(root.orgId, 1);
    assert.ok(names.has(root.receiver), 'the default receiver exists');
    assert.ok((root.group_by as string[]).includes('alertname'), 'grouped by alertname');
    for (const key of ['group_wait', 'group_interval', 'repeat_interval']) {
      assert.doesNotThrow(() => parseGrafanaDuration(root[key]), key);
    }
    for (const child of (root.routes ?? []) as Json[]) {
      assert.ok(names.has(child.receiver), `route receiver ${child.receiver} exists`);
    }
    assert.equal(route({ severity: 'critical' }), 'Ledger pager');
    assert.equal(route({ severity: 'warning' }), 'Ledger chat');
    for (const rule of RULES) {
      const expected = rule.labels?.severity === 'critical' ? 'Ledger pager' : 'Ledger chat';
      assert.equal(route({ ...rule.labels, alertname: rule.title }), expected, rule.title);
    }
    assert.ok(
      RULES.some((r) => r.labels?.severity === 'critical'),
      'some rules page'
    );
  });
});
