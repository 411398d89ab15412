import type { LedgerChange } from '../../db/ledgerWatcher';
import type { StreamSender } from '../types';

/** A computation behind one channel path, shared by every RunStream of that path. */
export interface StreamWorker {
  readonly path: string;
  /** Number of RunStream calls attached. */
  readonly size: number;
  addSink(send: StreamSender): void;
  removeSink(send: StreamSender): void;
  /** New ledger rows. */
  onChange(change: LedgerChange): void;
  /** The watcher reconnected: recompute or catch up from the last known position. */
  onResync(): void;
  /** Releases timers and cancels in-flight SQL. */
  stop(): void;
}
