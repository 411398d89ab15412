/**
 * The alert pack through the built executable, as Grafana's alerting calls it: gRPC QueryData with `FromAlert`,
 * Arrow frames decoded from the wire, then the rule's expressions. Every rule, evaluated against a failure-spike
 * ledger, must reach the same state with the same alert instances as the in-process evaluation of
 * alertRules.test.ts — so what those tests prove holds for the binary Grafana runs.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { datasourceContext } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';
import { loadRules } from './support/alertRules';
import { EXECUTABLE, queryExecutable } from './support/executableQueries';
import { evaluateRule, ruleState, type DataRunner } from './support/expressions';
import { provisionedJsonData } from './support/provisioningFiles';
import { ANCHOR as E, MINUTE, createScenarioLedger, type ScenarioLedger } from './support/scenarioLedger';

const RULES = loadRules();

const jsonData = provisionedJsonData();

describe('the alert pack through the built executable', () => {
  let plugin: PluginUnderTest | undefined;
  let ledger: ScenarioLedger;

  before(async () => {
    if (!existsSync(EXECUTABLE)) {
      return;
    }
    ledger = await createScenarioLedger('alerts_exe', [
      { scenario: 'failure-spike', from: E - 20 * MINUTE, to: E, placementStart: E - 100 * MINUTE },
    ]);
    // a generous handshake limit: the suite runs beside others on two cores
    plugin = await launchPlugin({ executable: EXECUTABLE, handshakeTimeoutMs: 60_000 });
  });

  after(async () => {
    plugin?.kill();
    await ledger?.close();
  });

  test('every rule reaches the same state and instances over gRPC as in process', async (t) => {
    if (!plugin) {
      if (process.env.CI) {
        assert.fail(`${EXECUTABLE} is missing: npm test builds it before this suite`);
      }
      t.skip(`${EXECUTABLE} is missing: run npm run build`);
      return;
    }
    const context = datasourceContext({ url: ledger.readerUrl.toString(), uid: 'ledger', jsonData });
    const overGrpc: DataRunner = (query, range) =>
      queryExecutable(plugin!, context, {
        refId: query.refId,
        model: query.model,
        range,
        intervalMs: typeof query.model.intervalMs === 'number' ? query.model.intervalMs : 1_000,
        maxDataPoints: typeof query.model.maxDataPoints === 'number' ? query.model.maxDataPoints : 43_200,
        headers: { FromAlert: 'true' },
      });
    const inProcess: DataRunner = async (query, range) =>
      (
        await ledger.query(
          [
            {
              refId: query.refId,
              model: query.model,
              from: range.from,
              to: range.to,
              intervalMs: 60_000,
              maxDataPoints: 43_200,
            },
          ],
          { headers: { FromAlert: 'true' }, jsonData }
        )
      ).get(query.refId)!;

    const firing: string[] = [];
    for (const rule of RULES) {
      const wire = await evaluateRule(rule, E, overGrpc);
      const local = await evaluateRule(rule, E, inProcess);
      assert.notEqual(wire.health, 'error', `${rule.uid} over gRPC: ${wire.error ?? ''}`);
      assert.notEqual(local.health, 'error', `${rule.uid} in process: ${local.error ?? ''}`);
      assert.equal(wire.health, local.health, rule.uid);
      assert.equal(ruleState(rule, wire), ruleState(rule, local), rule.uid);
      const instances = (evaluation: typeof wire) =>
        evaluation.instances.map((i) => [JSON.stringify(i.labels), i.firing]).sort();
      assert.deepEqual(instances(wire), instances(local), `${rule.uid}: instances`);
      if (rule.uid !== 'ledger-database-latency') {
        for (const [i, instance] of wire.instances.entries()) {
          for (const [refId, value] of Object.entries(instance.values)) {
            assert.ok(Math.abs(value - local.instances[i]!.values[refId]!) < 1e-9, `${rule.uid} ${refId}`);
          }
        }
      }
      if (ruleState(rule, wire) === 'Alerting') {
        firing.push(rule.uid);
      }
    }
    assert.ok(
      firing.includes('ledger-high-failure-rate') && firing.includes('ledger-error-spike'),
      `firing: ${firing.join(', ')}`
    );
    t.diagnostic(`firing under failure-spike: ${firing.join(', ')}`);
  });
});
