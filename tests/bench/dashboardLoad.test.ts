/**
 * The dashboards benchmark asks what Grafana asks (issue #14): panel widths of a 1920 px dashboard, the intervals
 * Grafana computes for them, and dashboard variables expanded in the peer's SQL as Grafana's SQL datasources do.
 * Expected values are worked out by hand from react-grid-layout's and Grafana's rules, not taken from the code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { VariableState } from '../provisioning/support/templateSrv';
import { expandVariables } from './dashboardLoad';
import { panelRequest, panelWidthPx } from './grafanaPanelRequest';

const HOUR = 3_600_000;
const END = Date.UTC(2026, 10, 27);

describe('panel requests of a 1920 px dashboard', () => {
  it('sizes panels as the 24-column grid with 8 px gaps in 1888 px does', () => {
    // column = (1888 − 23 × 8) / 24 = 71 px
    assert.equal(panelWidthPx({ gridPos: { w: 24 } }, 1920), 1888);
    assert.equal(panelWidthPx({ gridPos: { w: 12 } }, 1920), 12 * 71 + 11 * 8);
    assert.equal(panelWidthPx({ gridPos: { w: 6 } }, 1920), 6 * 71 + 5 * 8);
  });

  it("asks Grafana's rounded interval for the range over the panel's width, not below the panel's minimum", () => {
    const half = { gridPos: { w: 12 } };
    // 1 h / 940 px = 3.8 s → 5 s; 30 d / 940 px = 2757 s, over Grafana's 45-minute step → 1 h
    assert.deepEqual(panelRequest(half, { from: END - HOUR, to: END }, 1920), {
      maxDataPoints: 940,
      intervalMs: 5_000,
    });
    assert.equal(panelRequest(half, { from: END - 720 * HOUR, to: END }, 1920).intervalMs, HOUR);
    // a panel with `interval: 1m` never asks for less than a minute
    assert.equal(panelRequest({ ...half, interval: '1m' }, { from: END - HOUR, to: END }, 1920).intervalMs, 60_000);
    // maxDataPoints set on the panel wins over its width
    assert.equal(panelRequest({ ...half, maxDataPoints: 100 }, { from: END - HOUR, to: END }, 1920).maxDataPoints, 100);
  });
});

describe("the peer's dashboard variables", () => {
  const variables: VariableState[] = [
    { name: 'mode', type: 'query', multi: true, includeAll: true, current: ['$__all'], options: ['fix', "o'brien"] },
    { name: 'model', type: 'query', multi: true, includeAll: true, current: ['gpt'], options: ['gpt', 'claude'] },
    { name: 'job', type: 'textbox', current: ['job-7'], options: ['job-7'] },
  ];

  it('quotes multi-value variables, lists every option for All, and leaves macros alone', () => {
    assert.equal(
      expandVariables(
        "WHERE mode IN ($mode) AND name IN ($model) AND job_id = '$job' AND $__timeFilter(occurred_at)",
        variables
      ),
      "WHERE mode IN ('fix','o''brien') AND name IN ('gpt') AND job_id = 'job-7' AND $__timeFilter(occurred_at)"
    );
  });
});
