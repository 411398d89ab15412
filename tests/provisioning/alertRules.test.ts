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
import {
  evaluateRule,
  parseGrafanaDuration,
  ruleState,
  type DataRunner,
  type Evaluation,
  type Labels,
  type RuleState,
} from './support/expressions';
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
  // a whole steady day: the quietest hours are where ratio rules trip over a handful of jobs
  'steady-day': [{ scenario: 'steady', from: E - 24 * HOUR - 10 * MINUTE, to: E }],
  // a migrated ledger without a single event: a new installation, or workers that never started
  empty: [],
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

/**
 * Each rule's NoData and Error behaviour, decided per rule and documented in docs/stack.md ("No data and errors"):
 * `empty` is Grafana's outcome on a ledger without events — metrics grouped by a dimension have no series, so the
 * query has no data and Grafana makes the whole evaluation NoData; ungrouped counts and sums are 0 (docs/metrics.md),
 * so those rules evaluate normally — and the state the rule's noDataState gives it; `down` is the state its
 * execErrState gives it when the datasource cannot reach PostgreSQL (the evaluation is Error).
 */
const NO_DATA_AND_ERROR: Record<string, { empty: [Evaluation['health'], RuleState]; down: RuleState }> = {
  'ledger-high-failure-rate': { empty: ['nodata', 'Normal'], down: 'Error' },
  'ledger-queue-backlog': { empty: ['ok', 'Normal'], down: 'Error' },
  'ledger-token-spike': { empty: ['ok', 'Normal'], down: 'Error' },
  'ledger-worker-heartbeat-missing': { empty: ['nodata', 'NoData'], down: 'Error' },
  'ledger-database-latency': { empty: ['ok', 'Normal'], down: 'Alerting' },
  'ledger-slow-jobs': { empty: ['nodata', 'Normal'], down: 'Error' },
  'ledger-slow-tools': { empty: ['nodata', 'Normal'], down: 'Error' },
  'ledger-escalation-storm': { empty: ['ok', 'Normal'], down: 'Error' },
  'ledger-error-spike': { empty: ['ok', 'Normal'], down: 'Error' },
  'ledger-tokens-over-budget': { empty: ['nodata', 'Normal'], down: 'Error' },
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
    assert.deepEqual(RULES.map((r) => r.uid).sort(), Object.keys(NO_DATA_AND_ERROR).sort());
  });
});

describe('a steady day', () => {
  test('the failure-rate rule stays quiet at every hour, evaluated every 5 minutes', async (t) => {
    const rule = RULES.find((r) => r.uid === 'ledger-high-failure-rate');
    assert.ok(rule);
    const day = ledgers.get('steady-day')!;
    let withVolume = 0;
    let withFailures = 0;
    let worst = 0;
    for (let at = E - 24 * HOUR + 5 * MINUTE; at <= E; at += 5 * MINUTE) {
      const evaluation = await evaluateRule(rule, at, runner(day, rule));
      assert.notEqual(evaluation.health, 'error', `${new Date(at).toISOString()}: ${evaluation.error ?? ''}`);
      assert.equal(
        ruleState(rule, evaluation),
        'Normal',
        `quiet at ${new Date(at).toISOString()}: ${JSON.stringify(evaluation.instances)}`
      );
      const values = evaluation.instances.map((i) => i.values);
      withVolume += values.filter((v) => (v.B ?? 0) >= 10).length;
      withFailures += values.filter((v) => (v.A ?? 0) > 0).length;
      worst = Math.max(worst, ...values.map((v) => v.A ?? 0));
    }
    t.diagnostic(
      `${withVolume} mode-windows with >= 10 finished jobs, ${withFailures} with failures, worst rate ${worst}`
    );
    // the day exercised the rule: busy windows, and failures in some of them
    assert.ok(withVolume > 100, `${withVolume} mode-windows with at least 10 finished jobs`);
    assert.ok(withFailures > 0, 'some windows had failures');
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
});

describe('each rule with no data and with the datasource down', () => {
  for (const [uid, expected] of Object.entries(NO_DATA_AND_ERROR)) {
    test(`${uid}: empty ledger → ${expected.empty[1]}, datasource down → ${expected.down}`, async () => {
      const rule = RULES.find((r) => r.uid === uid);
      assert.ok(rule, `rule ${uid} is provisioned`);
      const empty = ledgers.get('empty')!;
      const quiet = await evaluateRule(rule, E, runner(empty, rule));
      const outcome = JSON.stringify(quiet.instances);
      assert.equal(quiet.health, expected.empty[0], `${uid} on an empty ledger: ${quiet.error ?? outcome}`);
      assert.equal(ruleState(rule, quiet), expected.empty[1], `${uid} on an empty ledger: ${outcome}`);

      // a port nothing listens on: the datasource's connection fails, as when PostgreSQL is down
      const closed = await startLatencyProxy({ host: '127.0.0.1', port: 9 }, 0);
      const url = new URL(empty.readerUrl);
      url.port = String(closed.port);
      try {
        const down = await evaluateRule(rule, E, runner(empty, rule, url.toString()));
        assert.equal(down.health, 'error', `${uid} with the datasource down: ${JSON.stringify(down.instances)}`);
        assert.deepEqual(down.instances[0]?.labels, { ref_id: 'A', datasource_uid: 'ledger' });
        assert.equal(ruleState(rule, down), expected.down, `${uid} with the datasource down`);
      } finally {
        await closed.close();
      }
    });
  }
});
