/**
 * What Grafana's frontend puts in a panel's request (issue #14): maxDataPoints is the panel's width in pixels and the
 * interval is `rangeUtil.calculateInterval(range, maxDataPoints, minInterval)` of @grafana/data — the function
 * Grafana's query runners call — with the panel's min interval (`interval`), else the datasource's (ours sets none).
 *
 * Width of a panel on a dashboard `viewport` px wide: the grid is the viewport less the page's 16 px padding on each
 * side; react-grid-layout splits it into 24 columns with 8 px gaps, so a panel `w` columns wide is
 * `round(w × (grid − 23 × 8) / 24 + (w − 1) × 8)` px: at 1920 px, 940 px for a half-width panel, 1888 px for a full one.
 */
import { JSDOM } from 'jsdom';

import type { Json } from '../provisioning/support/provisioningFiles';

/** The dashboard width the benchmark opens dashboards at, unless `--width` says otherwise. */
export const DEFAULT_VIEWPORT_PX = 1920;
const PAGE_PADDING_PX = 16;
const GRID_GAP_PX = 8;
const GRID_COLUMNS = 24;

/** A panel's width in pixels on a dashboard `viewport` px wide. */
export function panelWidthPx(panel: Json, viewport: number): number {
  const grid = viewport - 2 * PAGE_PADDING_PX;
  const column = (grid - (GRID_COLUMNS - 1) * GRID_GAP_PX) / GRID_COLUMNS;
  const w = Number(panel.gridPos?.w ?? GRID_COLUMNS);
  return Math.round(w * column + (w - 1) * GRID_GAP_PX);
}

type GrafanaData = typeof import('@grafana/data');
let grafanaData: GrafanaData | undefined;

/**
 * @grafana/data reads `window`, `document` and `matchMedia` when it is loaded (its store and styles): give it a DOM
 * from jsdom, as the frontend unit tests' environment does, then load it once.
 */
function loadGrafanaData(): GrafanaData {
  if (!grafanaData) {
    const dom = new JSDOM('', { url: 'http://localhost/' });
    const globals = globalThis as Record<string, unknown>;
    const domGlobals = dom.window as unknown as Record<string, unknown>;
    for (const key of ['window', 'document', 'navigator', 'localStorage', 'HTMLElement', 'getComputedStyle']) {
      globals[key] ??= domGlobals[key];
    }
    globals.matchMedia ??= () => ({ matches: false, addListener: () => undefined, removeListener: () => undefined });
    // required here, not imported at the top: it must load after the DOM above exists
    grafanaData = require('@grafana/data') as GrafanaData;
  }
  return grafanaData;
}

/** maxDataPoints and interval of one panel's request over `range` (epoch ms). */
export function panelRequest(
  panel: Json,
  range: { from: number; to: number },
  viewport: number
): { maxDataPoints: number; intervalMs: number } {
  const { dateTime, rangeUtil } = loadGrafanaData();
  const maxDataPoints = typeof panel.maxDataPoints === 'number' ? panel.maxDataPoints : panelWidthPx(panel, viewport);
  const from = dateTime(range.from);
  const to = dateTime(range.to);
  const minInterval = typeof panel.interval === 'string' && panel.interval ? panel.interval : undefined;
  const { intervalMs } = rangeUtil.calculateInterval({ from, to, raw: { from, to } }, maxDataPoints, minInterval);
  return { maxDataPoints, intervalMs };
}
