/**
 * Live streams of one datasource instance: one LedgerWatcher (a single LISTEN connection) fanned out to one worker
 * per channel path, each shared by every RunStream of that path. Everything is released when the last stream ends
 * or the instance is disposed (settings changed, plugin shutting down): no listener, timer or connection outlives
 * its streams.
 */
import { LedgerWatcher } from '../../db/ledgerWatcher';
import { StreamInterrupted } from '../../errors';
import type { Logger } from '../../log';
import type { ExecutionTarget } from '../../query/execute';
import type { Disposable } from '../instances';
import type { StreamSender } from '../types';
import type { LiveSpec } from './liveSpec';
import { LogStream } from './logStream';
import { MetricStream } from './metricStream';
import type { StreamPosition, StreamPositions } from './streamPositions';
import type { StreamWorker } from './streamWorker';

/** Creates the worker for a path (metrics or logs). */
export type WorkerFactory = (
  path: string,
  spec: LiveSpec,
  target: ExecutionTarget,
  log: Logger,
  start: StreamPosition,
  onDelivered: (position: StreamPosition) => void,
  fallbackCursor: number
) => StreamWorker;

const defaultFactory: WorkerFactory = (path, spec, target, log, start, onDelivered, fallbackCursor) =>
  spec.query.queryType === 'logs'
    ? new LogStream(path, spec, target, log, start, onDelivered, fallbackCursor)
    : new MetricStream(path, spec, target, log);

/** Per-instance stream registry. */
export class StreamHub implements Disposable {
  private readonly workers = new Map<string, StreamWorker>();
  private readonly watcher: LedgerWatcher;
  /** Ends every running RunStream with an error, so Grafana retries it against the rebuilt instance. */
  private readonly interrupts = new Set<(reason: Error) => void>();
  private disposed = false;

  /** `scope` (`<orgId>/<uid>`) names the datasource in saved positions; `positions` keeps them across restarts. */
  constructor(
    private readonly target: ExecutionTarget,
    private readonly log: Logger,
    private readonly scope: string,
    private readonly positions: StreamPositions,
    private readonly factory: WorkerFactory = defaultFactory
  ) {
    this.watcher = new LedgerWatcher(target.settings, log);
    this.watcher.on('change', (change) => this.workers.forEach((worker) => worker.onChange(change)));
    this.watcher.on('resync', () => this.workers.forEach((worker) => worker.onResync()));
    this.watcher.on('state', (state) => log.debug('live stream watcher', { state }));
  }

  /** Number of running workers (one per path). */
  get activePaths(): number {
    return this.workers.size;
  }

  /** Number of RunStream calls attached to the workers. */
  get subscribers(): number {
    let total = 0;
    this.workers.forEach((worker) => (total += worker.size));
    return total;
  }

  /** Keeps the instance from idle eviction while a RunStream is attached. */
  inUse(): boolean {
    return this.subscribers > 0;
  }

  /** Whether the watcher holds a database connection. */
  get watching(): boolean {
    return this.watcher.connected;
  }

  /** Serves one RunStream until `signal` aborts. */
  async run(path: string, spec: LiveSpec, send: StreamSender, signal: AbortSignal): Promise<void> {
    if (signal.aborted) {
      return;
    }
    if (this.disposed) {
      throw new StreamInterrupted('the datasource was reconfigured; the stream restarts with the new settings');
    }
    let worker = this.workers.get(path);
    if (!worker) {
      this.watcher.start();
      // A log tail resumes where this stream last delivered (a restart or settings change in between), else right
      // after what its QueryData answer covered (the path's afterSeq), else at the ledger's current end.
      const key = `${this.scope}\n${path}`;
      const fresh = spec.afterSeq ?? this.watcher.maxSeq;
      const start = (spec.query.queryType === 'logs' ? this.positions.load(key) : undefined) ?? {
        cursor: fresh,
        gaps: [],
      };
      const save = (position: StreamPosition) => this.positions.save(key, position);
      worker = this.factory(path, spec, this.target, this.log, start, save, fresh);
      this.workers.set(path, worker);
      this.log.debug('live stream started', { path, streams: this.workers.size });
    }
    worker.addSink(send);
    let interrupt: ((reason: Error) => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        interrupt = reject;
        this.interrupts.add(reject);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      this.interrupts.delete(interrupt!);
      await this.detach(worker, send);
    }
  }

  private async detach(worker: StreamWorker, send: StreamSender): Promise<void> {
    worker.removeSink(send);
    if (worker.size === 0 && this.workers.get(worker.path) === worker) {
      worker.stop();
      this.workers.delete(worker.path);
      this.log.debug('live stream stopped', { path: worker.path, streams: this.workers.size });
      if (this.workers.size === 0) {
        await this.watcher.stop();
      }
    }
  }

  /** Stops every worker and the watcher. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const reason = new StreamInterrupted('the datasource was reconfigured; the stream restarts with the new settings');
    this.interrupts.forEach((interrupt) => interrupt(reason));
    this.interrupts.clear();
    this.workers.forEach((worker) => worker.stop());
    this.workers.clear();
    await this.watcher.stop();
  }
}
