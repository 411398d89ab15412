/**
 * The dashboards benchmark's tables (issue #14): whole dashboards per range as `ours (peer)`, the panels where ours is
 * slower, alert rules and start-up into docs/benchmarks.md; every panel into docs/benchmarks-panels.md.
 */
import { machineDescription, median, ms, percentile } from './benchSupport';
import type { DashboardBenchOptions } from './dashboards.bench';
import type { PanelRequest } from './dashboardLoad';
import { panelRequest } from './grafanaPanelRequest';
import type { LoadedTier } from './ledgerBenchData';
import { peerPanels } from './peerPanels';
import { dashboards } from '../provisioning/support/provisioningFiles';

type Opening = { totalMs: number; panelMs: Map<string, number>; panelRows: Map<string, number> };

/** One dashboard at one range: both sides' requests and timed openings. */
export interface DashboardRun {
  file: string;
  range: string;
  panels: { ours: PanelRequest[]; peer: PanelRequest[] };
  ours: Opening[];
  peer: Opening[];
}

/** One alert rule: request round trips of both sides (NaN: the peer has no such rule). */
export interface RuleRun {
  uid: string;
  title: string;
  peerNote?: string;
  ours: number[];
  peer: number[];
}

/** Launches of both executables: ms from spawn to the handshake and to the first answered query. */
export interface StartupRun {
  ours: Array<{ handshake: number; firstAnswer: number }>;
  peer: Array<{ handshake: number; firstAnswer: number }>;
}

interface ReportContext {
  loaded: LoadedTier;
  settings: string;
  load: { before: string[]; after: string[] };
  options: DashboardBenchOptions;
}

const RANGES = ['1 h', '6 h', '24 h', '7 d', '30 d'];
const titleOf = (file: string) => String(dashboards().get(file)?.title ?? file);
const cell = (ours: number, peer: number) => `${ms(ours)} (${Number.isFinite(peer) ? ms(peer) : 'none'})`;
const panelTimes = (openings: readonly Opening[], title: string) =>
  openings.map((o) => o.panelMs.get(title)).filter((v): v is number => v !== undefined);

function header(context: ReportContext): string[] {
  const { loaded, options } = context;
  const half = dashboards()
    .get('jobs-overview.json')!
    .panels.find((p: { gridPos: { w: number } }) => p.gridPos.w === 12);
  const intervals = [1, 6, 24, 168, 720]
    .map((hours, i) => {
      const { intervalMs, maxDataPoints } = panelRequest(
        half,
        { from: loaded.tier.end - hours * 3_600_000, to: loaded.tier.end },
        options.viewport
      );
      return `${RANGES[i]} → ${intervalMs >= 60_000 ? `${intervalMs / 60_000} min` : `${intervalMs / 1000} s`}${i === 0 ? ` (${maxDataPoints} px)` : ''}`;
    })
    .join(', ');
  return [
    `Ledger: **${loaded.events.toLocaleString('en-US')} events** over ${loaded.tier.days} days (steady scenario at ` +
      `scale ${loaded.tier.scale}; bulk-loaded ${loaded.loadedAt} in ${Math.round(loaded.loadSeconds)} s). ` +
      `${context.settings}. Machine: ${machineDescription()}; load average (1, 5, 15 min) ${context.load.before.join(', ')} ` +
      `before the run, ${context.load.after.join(', ')} after.`,
    '',
    `Each dashboard opened as Grafana does at ${options.viewport} px wide: one QueryData per panel (all its targets), ` +
      `six in flight, maxDataPoints = the panel's width and the interval of @grafana/data's ` +
      `\`rangeUtil.calculateInterval\` (half-width panel: ${intervals}); variables set to All, resolved beforehand; ` +
      `annotations not included. Window ending at the ledger's newest event. Warm, ${options.repetitions} openings ` +
      `per side (fewer, at least 3, where one takes over ${(options.budgetMs / 1000 / options.repetitions).toFixed(1)} s), in turns. ` +
      'Cells: **ours (peer)**, the peer being the plain SQL of tests/bench/peerPanels.ts through a Grafana-SDK SQL ' +
      'datasource (tests/bench/peer: pgx → sqlutil frame → long-to-wide → Arrow). Per-panel figures: ' +
      '[benchmarks-panels.md](benchmarks-panels.md).',
  ];
}

function dashboardTable(runs: readonly DashboardRun[]): string[] {
  const files = [...new Set(runs.map((r) => r.file))];
  const row = (file: string, stat: (xs: number[]) => number, label: string) =>
    `| ${titleOf(file)} ${label} | ${RANGES.map((range) => {
      const run = runs.find((r) => r.file === file && r.range === range);
      return run ? cell(stat(run.ours.map((o) => o.totalMs)), stat(run.peer.map((o) => o.totalMs))) : '–';
    }).join(' | ')} |`;
  return [
    `| dashboard | ${RANGES.join(' | ')} |`,
    `|---|${RANGES.map(() => '---').join('|')}|`,
    ...files.flatMap((file) => [row(file, median, 'p50'), row(file, (xs) => percentile(xs, 95), 'p95')]),
  ];
}

/** Panels (with a peer) whose median is slower than the peer's, per range. */
function losses(runs: readonly DashboardRun[]): string {
  return RANGES.map((range) => {
    let slower = 0;
    let compared = 0;
    for (const run of runs.filter((r) => r.range === range)) {
      for (const panel of run.panels.peer) {
        compared++;
        slower += median(panelTimes(run.ours, panel.title)) > median(panelTimes(run.peer, panel.title)) ? 1 : 0;
      }
    }
    return `${range}: ${slower} of ${compared}`;
  }).join('; ');
}

function targets(runs: readonly DashboardRun[]): string {
  const within = (range: string, limit: number) => {
    const rows = runs.filter((r) => r.range === range);
    return `${rows.filter((r) => median(r.ours.map((o) => o.totalMs)) <= limit).length} of ${rows.length}`;
  };
  return `Whole dashboard within target (median): ≤ 100 ms at 1 h: ${within('1 h', 100)}; ≤ 1 s at 30 d: ${within('30 d', 1000)}.`;
}

function rulesTable(rules: readonly RuleRun[]): string[] {
  return [
    '| alert rule | ours p50 | ours p95 | peer p50 | peer p95 |',
    '|---|---|---|---|---|',
    ...rules.map((r) =>
      r.peerNote
        ? `| ${r.title} | ${ms(median(r.ours))} | ${ms(percentile(r.ours, 95))} | none: ${r.peerNote} | |`
        : `| ${r.title} | ${ms(median(r.ours))} | ${ms(percentile(r.ours, 95))} | ${ms(median(r.peer))} | ${ms(percentile(r.peer, 95))} |`
    ),
  ];
}

function startupTable(startup: StartupRun): string[] {
  const row = (label: string, pick: (l: StartupRun['ours'][number]) => number) =>
    `| ${label} | ${ms(median(startup.ours.map(pick)))} | ${ms(percentile(startup.ours.map(pick), 95))} | ` +
    `${ms(median(startup.peer.map(pick)))} | ${ms(percentile(startup.peer.map(pick), 95))} |`;
  return [
    '| start-up | ours p50 | ours p95 | peer p50 | peer p95 |',
    '|---|---|---|---|---|',
    row('spawn → handshake', (l) => l.handshake),
    row('spawn → first answered query (a stat over 1 h)', (l) => l.firstAnswer),
  ];
}

/** The docs/benchmarks.md section of one ledger size. */
export function dashboardsMarkdown(
  context: ReportContext,
  runs: readonly DashboardRun[],
  rules: readonly RuleRun[],
  startup: StartupRun
): string {
  return [
    `### Dashboards end to end at ${(context.loaded.events / 1e6).toFixed(1)}M events: ours (peer)`,
    '',
    ...header(context),
    '',
    ...dashboardTable(runs),
    '',
    `Panels where ours is slower than the peer (median; panels the peer has): ${losses(runs)}. ${targets(runs)}`,
    '',
    `Alert rules: each rule's datasource queries in one request (\`FromAlert\`), as its evaluation sends them; ` +
      'expressions not included; warm, in turns.',
    '',
    ...rulesTable(rules),
    '',
    `Start-up: ${context.options.repetitions} launches of each executable, in turns.`,
    '',
    ...startupTable(startup),
  ].join('\n');
}

/** Flags a panel that answered no rows on one side only: a sign that side's query is not the same question. */
function emptiness(run: DashboardRun, title: string): string {
  const ours = run.ours[0]?.panelRows.get(title);
  const peer = run.peer[0]?.panelRows.get(title);
  if (ours === undefined || peer === undefined || ours > 0 === peer > 0) {
    return '';
  }
  return ours > 0 ? ' ⚠ peer empty' : ' ⚠ ours empty';
}

/** The docs/benchmarks-panels.md section of one ledger size: every panel, `ours (peer)` medians. */
export function panelsMarkdown(context: ReportContext, runs: readonly DashboardRun[]): string {
  const notes = peerPanels({ tokens: 1, costUsd: 1 });
  const lines = [
    `### ${context.loaded.events.toLocaleString('en-US')} events: every panel, median ours (peer)`,
    '',
    'Bold: ours slower. "none": the peer has no such panel (reason beside it). ⚠: one side answered no rows (ours fills empty buckets with zeros, the peer has no rows there).',
  ];
  for (const file of [...new Set(runs.map((r) => r.file))]) {
    lines.push(
      '',
      `#### ${titleOf(file)}`,
      '',
      `| panel | ${RANGES.join(' | ')} | peer |`,
      `|---|${RANGES.map(() => '---').join('|')}|---|`
    );
    for (const panel of runs.find((r) => r.file === file)!.panels.ours) {
      const peer = notes[file]?.[panel.title];
      const note = !peer
        ? ''
        : 'none' in peer
          ? `none: ${peer.none}`
          : 'sameSql' in peer
            ? 'same SQL'
            : (peer.note ?? '');
      const cells = RANGES.map((range) => {
        const run = runs.find((r) => r.file === file && r.range === range);
        if (!run) {
          return '–';
        }
        const ours = median(panelTimes(run.ours, panel.title));
        const theirs = median(panelTimes(run.peer, panel.title));
        return (ours > theirs ? `**${cell(ours, theirs)}**` : cell(ours, theirs)) + emptiness(run, panel.title);
      });
      lines.push(`| ${panel.title} | ${cells.join(' | ')} | ${note} |`);
    }
  }
  return lines.join('\n');
}
