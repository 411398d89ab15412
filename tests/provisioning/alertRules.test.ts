/**
 * Every provisioned alert rule, evaluated as Grafana evaluates it: each data query goes through the plugin's
 * QueryData handler (as alerting calls it: `FromAlert: true`, the relative time range resolved against the
 * evaluation time, the model's intervalMs/maxDataPoints) against a ledger the simulator wrote, then the rule's
 * reduce/math/threshold expressions run (support/expressions.ts) and the condition decides.
 *
 * For each rule, its scenario must make the condition true at every evaluation of the rule's `for` period (so the
 * alert really fires in Grafana, not just goes pending), and `steady` must keep it false at the same moments.
 * The summary and description of the firing alert are rendered from their templates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { loadRules, renderTemplate, type LoadedRule } from './support/alertRules';
import { evaluateRule, parseGrafanaDuration, ruleState, type DataRunner, type Labels } from './support/expressions';
import { startLatencyProxy } from './support/latencyProxy';
import { provisionedJsonData } from './support/provisioningFiles';
import {
  ANCHOR as E,
  HOUR,
  MINUTE,
  createScenarioLedger,
  type ScenarioLedger,
  type ScenarioWindow,
} from './support/scenarioLedger';

/** The data each scenario needs around E (anomalies placed so that they are under way at E). */
const SCENARIO_WINDOWS: Record<string, ScenarioWindow[]> = {
  // the hour before E and the same hour the day before (the token spike's baseline)
  steady: [
    { scenario: 'steady', from: E - 24 * HOUR - 70 * MINUTE, to: E - 24 * HOUR },
    { scenario: 'steady', from: E - 70 * MINUTE, to: E },
  ],
  // outage from E-10m: half the jobs fail, ~9 UpstreamUnavailable errors a minute
  'failure-spike': [{ scenario: 'failure-spike', from: E - 20 * MINUTE, to: E, placementStart: E - 100 * MINUTE }],
  // 400 jobs enqueued between E-7m and E-5m
  'queue-backlog': [{ scenario: 'queue-backlog', from: E - 20 * MINUTE, to: E, placementStart: E - 97 * MINUTE }],
  // the hour before E at 3x tokens with runaway jobs, and the same (normal) hour the day before
  'token-spike': [
    { scenario: 'token-spike', from: E - 25 * HOUR - 10 * MINUTE, to: E - 24 * HOUR, placementStart: E - 26 * HOUR },
    { scenario: 'token-spike', from: E - 70 * MINUTE, to: E, placementStart: E - 26 * HOUR },
  ],
  // worker-03 dies at E-5m
  'worker-down': [{ scenario: 'worker-down', from: E - 15 * MINUTE, to: E, placementStart: E - 85 * MINUTE }],
  // 60% of jobs escalate from E-30m
  'escalation-storm': [{ scenario: 'escalation-storm', from: E - 70 * MINUTE, to: E, placementStart: E - 90 * MINUTE }],
  // run_tests, run_shell and apply_patch 12x slower from E-20m
  'slow-tools': [{ scenario: 'slow-tools', from: E - 30 * MINUTE, to: E, placementStart: E - 100 * MINUTE }],
};

interface Expectation {
  scenario: keyof typeof SCENARIO_WINDOWS | 'slow-database';
  /** Label sets that must be among the firing instances. */
  firing?: Labels[];
  /** When set, only instances matching one of these may fire. */
  only?: Labels[];
}

/** Which scenario makes which rule fire (the seed's alert list, one rule each). */
const EXPECTED: Record<string, Expectation> = {
  'ledger-high-failure-rate': { scenario: 'failure-spike', firing: [{ mode: 'mechanic' }, { mode: 'genius' }] },
  'ledger-queue-backlog': { scenario: 'queue-backlog' },
  'ledger-token-spike': { scenario: 'token-spike' },
  'ledger-worker-heartbeat-missing': {
    scenario: 'worker-down',
    firing: [{ worker: 'worker-03' }],
    only: [{ worker: 'worker-03' }],
  },
  'ledger-database-latency': { scenario: 'slow-database' },
  'ledger-slow-jobs': { scenario: 'slow-tools', firing: [{ mode: 'genius' }] },
  'ledger-slow-tools': {
    scenario: 'slow-tools',
    firing: [{ tool: 'run_tests' }, { tool: 'run_shell' }],
    only: [{ tool: 'run_tests' }, { tool: 'run_shell' }, { tool: 'apply_patch' }],
  },
  'ledger-escalation-storm': { scenario: 'escalation-storm' },
  'ledger-error-spike': { scenario: 'failure-spike' },
  'ledger-tokens-over-budget': { scenario: 'token-spike' },
};

const RULES = loadRules();
const ledgers = new Map<string, ScenarioLedger>();

const JSON_DATA = provisionedJsonData();

function runner(ledger: ScenarioLedger, rule: LoadedRule, url?: string): DataRunner {
  return async (query, range) => {
    const model = query.model;
    const responses = await ledger.query(
      [
        {
          refId: query.refId,
          model,
          from: range.from,
          to: range.to,
          intervalMs: typeof model.intervalMs === 'number' ? model.intervalMs : 1_000,
          maxDataPoints: typeof model.maxDataPoints === 'number' ? model.maxDataPoints : 43_200,
        },
      ],
      { headers: { FromAlert: 'true', 'X-Cache-Skip': 'true', 'X-Rule-Uid': rule.uid }, jsonData: JSON_DATA, url }
    );
    return responses.get(query.refId) ?? { frames: [] };
  };
}

/** The evaluations a rule needs to go from Pending to Firing: every group interval over its `for`, ending at E. */
function evaluationTimes(rule: LoadedRule): number[] {
  const interval = parseGrafanaDuration(rule.group.interval);
  const steps = Math.ceil(parseGrafanaDuration(rule.for) / interval);
  return Array.from({ length: steps + 1 }, (_, i) => E - (steps - i) * interval);
}

const matches = (labels: Labels, pattern: Labels) => Object.entries(pattern).every(([k, v]) => labels[k] === v);
const show = (labels: Labels) => JSON.stringify(labels);

async function parallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        await work(item);
      }
    })
  );
}

before(async () => {
  await parallel(Object.keys(SCENARIO_WINDOWS), 2, async (name) => {
    ledgers.set(name, await createScenarioLedger(`alerts_${name.replace(/-/g, '_')}`, SCENARIO_WINDOWS[name]!));
  });
});

after(async () => {
  await Promise.all([...ledgers.values()].map((ledger) => ledger.close()));
});

describe('the alert pack covers the seed list', () => {
  test('one expectation per provisioned rule, and a rule for every expectation', () => {
    assert.deepEqual(RULES.map((r) => r.uid).sort(), Object.keys(EXPECTED).sort());
  });
});

describe('each rule fires under its scenario and stays quiet under steady', () => {
  for (const [uid, expectation] of Object.entries(EXPECTED)) {
    if (expectation.scenario === 'slow-database') {
      continue;
    }
    test(`${uid} (scenario ${expectation.scenario})`, async (t) => {
      const rule = RULES.find((r) => r.uid === uid);
      assert.ok(rule, `rule ${uid} is provisioned`);
      const times = evaluationTimes(rule);
      const firingLedger = ledgers.get(expectation.scenario)!;
      const steadyLedger = ledgers.get('steady')!;
      for (const at of times) {
        const when = new Date(at).toISOString();
        const evaluation = await evaluateRule(rule, at, runner(firingLedger, rule));
        assert.equal(
          evaluation.health,
          'ok',
          `${uid} at ${when} under ${expectation.scenario}: ${evaluation.error ?? 'no data'}`
        );
        assert.equal(ruleState(rule, evaluation), 'Alerting', `${uid} fires at ${when} under ${expectation.scenario}`);
        const firing = evaluation.instances.filter((i) => i.firing);
        for (const wanted of expectation.firing ?? []) {
          assert.ok(
            firing.some((i) => matches(i.labels, wanted)),
            `${uid} at ${when}: an instance ${show(wanted)} fires (firing: ${firing.map((i) => show(i.labels)).join(', ')})`
          );
        }
        for (const instance of firing) {
          assert.ok(
            !expectation.only || expectation.only.some((allowed) => matches(instance.labels, allowed)),
            `${uid} at ${when}: ${show(instance.labels)} should not fire`
          );
        }
        if (at === E) {
          for (const instance of firing) {
            const summary = renderTemplate(rule.annotations?.summary ?? '', instance);
            const description = renderTemplate(rule.annotations?.description ?? '', instance);
            assert.ok(summary.length > 0 && !summary.includes('{{'), `${uid}: summary renders`);
            assert.ok(/\d/.test(summary) && /\d/.test(description), `${uid}: summary and description show the value`);
            t.diagnostic(`${show(instance.labels)}: ${summary}`);
          }
        }

        const quiet = await evaluateRule(rule, at, runner(steadyLedger, rule));
        assert.notEqual(quiet.health, 'error', `${uid} at ${when} under steady: ${quiet.error ?? ''}`);
        assert.equal(
          ruleState(rule, quiet),
          'Normal',
          `${uid} stays quiet at ${when} under steady: ${JSON.stringify(quiet.instances)}`
        );
      }
    });
  }

  test('ledger-database-latency (scenario slow-database: a proxy holds each probe back 1.1 s)', async (t) => {
    const rule = RULES.find((r) => r.uid === 'ledger-database-latency');
    assert.ok(rule);
    const steady = ledgers.get('steady')!;
    const quiet = await evaluateRule(rule, E, runner(steady, rule));
    assert.equal(quiet.health, 'ok', quiet.error);
    assert.equal(ruleState(rule, quiet), 'Normal', `steady: ${JSON.stringify(quiet.instances)}`);

    const proxy = await startLatencyProxy(
      { host: steady.readerUrl.hostname, port: Number(steady.readerUrl.port) },
      1_100
    );
    try {
      const slowUrl = new URL(steady.readerUrl);
      slowUrl.port = String(proxy.port);
      const evaluation = await evaluateRule(rule, E, runner(steady, rule, slowUrl.toString()));
      assert.equal(evaluation.health, 'ok', evaluation.error);
      assert.equal(ruleState(rule, evaluation), 'Alerting', JSON.stringify(evaluation.instances));
      const instance = evaluation.instances[0]!;
      assert.ok(instance.values.A! > 1_000, `p99 ${instance.values.A} ms`);
      t.diagnostic(renderTemplate(rule.annotations?.summary ?? '', instance));
    } finally {
      await proxy.close();
    }
  });

  test('a database that cannot be reached puts the latency rule in its execErrState (Alerting)', async () => {
    const rule = RULES.find((r) => r.uid === 'ledger-database-latency');
    assert.ok(rule);
    const steady = ledgers.get('steady')!;
    const closed = await startLatencyProxy({ host: '127.0.0.1', port: 9 }, 0);
    const url = new URL(steady.readerUrl);
    url.port = String(closed.port);
    try {
      const evaluation = await evaluateRule(rule, E, runner(steady, rule, url.toString()));
      assert.equal(evaluation.health, 'error');
      assert.equal(ruleState(rule, evaluation), 'Alerting');
    } finally {
      await closed.close();
    }
  });
});
