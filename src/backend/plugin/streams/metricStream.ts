/**
 * One live metric stream (one channel path): recomputes the query's sliding window when relevant ledger rows
 * arrive (or the window slides), and sends the frame to every RunStream subscribed to the path. Packets replace the
 * frame on the frontend, so the current bucket is updated, never duplicated. Bursts are coalesced: at most one
 * computation runs at a time and the next one starts as soon as it ends.
 */
import type { LedgerChange } from '../../db/ledgerWatcher';
import type { CheckedFrame } from '../../frames/frame';
import { toFrameJson } from '../../frames/frameJson';
import type { Logger } from '../../log';
import { executePlan, type ExecutionTarget } from '../../query/execute';
import { METRIC_SOURCES } from '../../query/metrics/definitions';
import { planQuery } from '../../query/plan';
import type { StreamSender } from '../types';
import { liveMetricFrame, schemaKey } from './liveFrames';
import { queryAt, type LiveSpec } from './liveSpec';
import type { StreamWorker } from './streamWorker';

const LIFECYCLE_KINDS = ['job.created', 'job.claimed', 'job.completed', 'job.failed', 'job.requeued'];

/** Kinds whose arrival can change a metric (undefined: any kind). */
export function relevantKinds(metricId: string | undefined): readonly string[] | undefined {
  const source = metricId ? METRIC_SOURCES[metricId] : undefined;
  switch (source?.type) {
    case 'events':
      return source.kinds.length > 0 ? source.kinds : undefined;
    case 'queueDepth':
    case 'running':
    case 'jobsByStatus':
      return LIFECYCLE_KINDS;
    case 'workersAlive':
    case 'heartbeatAge':
      return ['worker.heartbeat'];
    default:
      return undefined;
  }
}

/** Coalescing delay after a change: lets a burst of statements land in one computation. */
const COALESCE_MS = 20;

/** Computes and fans out one metric stream. */
export class MetricStream implements StreamWorker {
  private readonly sinks = new Set<StreamSender>();
  private readonly kinds: readonly string[] | undefined;
  private readonly abort = new AbortController();
  private readonly tick: NodeJS.Timeout;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private last: { frame: CheckedFrame; schema: string; data: string } | undefined;

  constructor(
    readonly path: string,
    private readonly spec: LiveSpec,
    private readonly target: ExecutionTarget,
    private readonly log: Logger
  ) {
    this.kinds = relevantKinds(spec.query.metric);
    // The window slides with the clock even when nothing is written (and "now" metrics age).
    this.tick = setInterval(() => this.request(), Math.min(30_000, Math.max(1_000, spec.intervalMs)));
    this.request(0);
  }

  get size(): number {
    return this.sinks.size;
  }

  addSink(send: StreamSender): void {
    this.sinks.add(send);
    if (this.last) {
      // A late subscriber needs the schema before data-only packets make sense.
      void send(toFrameJson(this.last.frame, 'all')).catch(() => this.sinks.delete(send));
    }
  }

  removeSink(send: StreamSender): void {
    this.sinks.delete(send);
  }

  onChange(change: LedgerChange): void {
    if (!this.kinds || !change.kinds || change.kinds.some((kind) => this.kinds!.includes(kind))) {
      this.request();
    }
  }

  onResync(): void {
    this.request(0);
  }

  stop(): void {
    clearInterval(this.tick);
    clearTimeout(this.timer);
    this.abort.abort(new Error('stream stopped'));
  }

  private request(delay = COALESCE_MS): void {
    if (this.abort.signal.aborted) {
      return;
    }
    if (this.running) {
      this.dirty = true;
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.running = this.compute().finally(() => {
          this.running = undefined;
          if (this.dirty) {
            this.dirty = false;
            this.request(0);
          }
        });
      }, delay);
    }
  }

  private async compute(): Promise<void> {
    try {
      const plan = planQuery(queryAt(this.spec, Date.now()));
      const frames = await executePlan(plan, this.target, this.abort.signal);
      const frame = liveMetricFrame(frames, plan.kind === 'metrics' ? plan.metric.id : 'live');
      const schema = schemaKey(frame);
      const data = toFrameJson(frame, 'data');
      if (this.last && this.last.schema === schema && this.last.data === data) {
        return; // nothing changed; save the bandwidth
      }
      const packet = this.last?.schema === schema ? data : toFrameJson(frame, 'all');
      this.last = { frame, schema, data };
      await Promise.all([...this.sinks].map((send) => send(packet).catch(() => this.sinks.delete(send))));
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.log.warn('live metric stream could not refresh; will retry', { path: this.path, error });
      }
    }
  }
}
