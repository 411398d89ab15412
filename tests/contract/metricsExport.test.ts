/**
 * CollectMetrics as Prometheus scrapes it through Grafana: the plugin's own request metrics plus the ledger's
 * metrics under the monitoring guide's names, valid per `promtool check metrics`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { createLedgerTestDatabase, type LedgerTestDatabase } from '../../src/ledger/ledgerTestDatabase';
import type { LedgerEvent } from '../../src/ledger/ledgerEvent';
import { appendEvents } from '../../src/ledger/writer';
import { datasourceContext, dataQuery } from '../support/grafanaRequests';
import { launchPlugin, type PluginUnderTest } from '../support/pluginProcess';

const at = new Date(Date.now() - 60_000);
const EVENTS: LedgerEvent[] = [
  { kind: 'job.created', occurredAt: at, jobId: 'j1', mode: 'genius' },
  { kind: 'job.created', occurredAt: at, jobId: 'j2', mode: 'mechanic' },
  { kind: 'job.created', occurredAt: at, jobId: 'j3', mode: 'mechanic' },
  { kind: 'job.completed', occurredAt: at, jobId: 'j1', mode: 'genius', durationMs: 45_000 },
  { kind: 'job.failed', occurredAt: at, jobId: 'j2', mode: 'mechanic', name: 'TimeoutError', durationMs: 700_000 },
  {
    kind: 'llm.call',
    occurredAt: at,
    jobId: 'j1',
    name: 'claude-sonnet',
    tokensIn: 1_000,
    tokensOut: 250,
    durationMs: 2_000,
  },
  { kind: 'tool.call', occurredAt: at, jobId: 'j1', name: 'read_file', durationMs: 30 },
  { kind: 'tool.call', occurredAt: at, jobId: 'j1', name: 'run_tests', durationMs: 7_000 },
  { kind: 'escalation', occurredAt: at, jobId: 'j2', name: 'stuck' },
  { kind: 'error', occurredAt: at, jobId: 'j2', name: 'TimeoutError' },
];

describe('CollectMetrics', () => {
  let ledger: LedgerTestDatabase;
  let plugin: PluginUnderTest;
  let text: string;

  before(async () => {
    ledger = await createLedgerTestDatabase('metrics_export');
    await appendEvents(await ledger.connect(), EVENTS);
    plugin = await launchPlugin();
    const context = datasourceContext({ url: ledger.url, uid: 'ledger-prom' });
    // Any request makes the instance known; CollectMetrics itself carries no datasource.
    await plugin.unary('data', 'QueryData', {
      pluginContext: context,
      queries: [
        dataQuery(
          'A',
          { queryType: 'metrics', metric: 'job.completed', format: 'instant' },
          { from: Date.now() - 3_600_000, to: Date.now() }
        ),
      ],
    });
    const response = await plugin.unary('diagnostics', 'CollectMetrics', {
      pluginContext: { pluginId: 'aicodeteam-ledger-datasource' },
    });
    text = Buffer.from(response.metrics.prometheus).toString();
  });

  after(async () => {
    plugin?.kill();
    await ledger?.drop();
  });

  const value = (series: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    assert.ok(line, `missing ${series}`);
    return Number(line.slice(series.length + 1));
  };

  it('exports the ledger under the monitoring guide names', () => {
    assert.equal(value('job_completed_total{datasource="ledger-prom",mode="genius"}'), 1);
    assert.equal(value('job_failed_total{datasource="ledger-prom",mode="mechanic"}'), 1);
    assert.equal(value('tokens_used_total{datasource="ledger-prom",model="claude-sonnet"}'), 1_250);
    assert.equal(value('escalation_total{datasource="ledger-prom"}'), 1);
    assert.equal(value('error_total{datasource="ledger-prom",type="TimeoutError"}'), 1);
    assert.equal(value('queue_depth{datasource="ledger-prom"}'), 1, 'j3 is still queued');
    assert.equal(value('job_duration_seconds_bucket{datasource="ledger-prom",mode="genius",le="60"}'), 1);
    assert.equal(value('job_duration_seconds_bucket{datasource="ledger-prom",mode="genius",le="30"}'), 0);
    assert.equal(value('job_duration_seconds_bucket{datasource="ledger-prom",mode="mechanic",le="+Inf"}'), 1);
    assert.equal(value('job_duration_seconds_sum{datasource="ledger-prom",mode="mechanic"}'), 700);
    assert.equal(value('tool_duration_seconds_bucket{datasource="ledger-prom",tool="run_tests",le="5"}'), 0);
    assert.equal(value('tool_duration_seconds_bucket{datasource="ledger-prom",tool="run_tests",le="10"}'), 1);
    assert.equal(value('ledger_up{datasource="ledger-prom"}'), 1);
  });

  it("exports the plugin's own request counters, latency histograms and process metrics", () => {
    assert.ok(value('ledger_plugin_requests_total{endpoint="queryData",status="ok"}') >= 1);
    assert.match(text, /^ledger_plugin_request_duration_seconds_bucket\{le="0\.005",endpoint="queryData"\} \d+/m);
    assert.match(text, /^ledger_plugin_process_resident_memory_bytes \d+/m);
  });

  it('is valid Prometheus text exposition (promtool check metrics)', (t) => {
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    if (promtool.error && !process.env.CI) {
      t.skip('promtool is not installed (apt-get install prometheus); CI installs it');
      return;
    }
    assert.equal(promtool.status, 0, `promtool: ${promtool.stdout}${promtool.stderr}`);
  });
});
