/**
 * Watches the ledger for new rows on behalf of every live stream of one datasource instance.
 *
 * - listen: one dedicated connection runs `LISTEN ledger_events`; the ledger's statement trigger sends one NOTIFY per
 *   insert statement with its seq and occurred_at ranges. A slow safety poll of `max(seq)` catches anything a
 *   notification could miss (e.g. a proxy that drops them).
 * - poll: when LISTEN is impossible (transaction-pooling proxies) or configured, `max(seq)` every pollInterval.
 * - The connection is re-established with backoff after any failure (database restart, pg_terminate_backend); each
 *   reconnection is announced as a `resync`, after which streams recompute rather than trust the gap.
 * Nothing is held open while no stream is subscribed (the hub starts and stops the watcher).
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';

import type { Logger } from '../log';
import type { LedgerSettings } from '../settings/parseSettings';
import { clientConfig } from './pool';

/** What changed in the ledger: a range of new rows (from a NOTIFY or a poll). */
export interface LedgerChange {
  minSeq: number;
  maxSeq: number;
  /** Earliest occurred_at among the new rows (ms), when known; streams recompute from its bucket on. */
  minOccurredAt?: number;
  kinds?: readonly string[];
}

/** Events a watcher emits. */
export interface LedgerWatcherEvents {
  change: [LedgerChange];
  /** The watcher (re)connected: anything may have been missed, streams must resync. */
  resync: [];
  /** Connection state for logs and health. */
  state: ['connected' | 'disconnected' | 'polling'];
}

const SAFETY_POLL_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;

function parseNotification(payload: string | undefined): LedgerChange | undefined {
  try {
    const value = JSON.parse(payload ?? '') as Record<string, unknown>;
    const minSeq = Number(value.min_seq);
    const maxSeq = Number(value.max_seq);
    if (!Number.isFinite(minSeq) || !Number.isFinite(maxSeq)) {
      return undefined;
    }
    const minOccurredAt = typeof value.min_occurred_at === 'string' ? Date.parse(value.min_occurred_at) : NaN;
    return {
      minSeq,
      maxSeq,
      minOccurredAt: Number.isFinite(minOccurredAt) ? minOccurredAt : undefined,
      kinds: Array.isArray(value.kinds) ? value.kinds.map(String) : undefined,
    };
  } catch {
    return undefined;
  }
}

/** LISTEN/NOTIFY (or polling) on one connection, with reconnection. */
export class LedgerWatcher extends EventEmitter<LedgerWatcherEvents> {
  private client: pg.Client | undefined;
  private stopped = true;
  private knownMaxSeq = -1;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private mode: 'listen' | 'poll';
  /** Connections whose loss was already handled ('error', 'end' and a failed connect() all report the same loss). */
  private readonly lostClients = new WeakSet<pg.Client>();
  /** The connection a poll is in flight on (a lock can make one outlast the interval). */
  private pollingOn: pg.Client | undefined;

  constructor(
    private readonly settings: LedgerSettings,
    private readonly log: Logger
  ) {
    super();
    this.mode = settings.streamMode === 'poll' ? 'poll' : 'listen';
  }

  /** Highest seq the watcher has seen (−1 before the first look). */
  get maxSeq(): number {
    return this.knownMaxSeq;
  }

  /** Whether a connection is currently established. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  /** Starts watching (idempotent). */
  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    void this.connect();
  }

  /** Stops watching and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) {
      return;
    }
    const client = new pg.Client({ ...clientConfig(this.settings), application_name: 'grafana-ledger-stream' });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => {
      const change = parseNotification(message.payload);
      if (change) {
        this.observe(change);
      }
    });
    try {
      await client.connect();
      if (this.mode === 'listen') {
        try {
          await client.query('LISTEN ledger_events');
        } catch (error) {
          if (this.settings.streamMode === 'listen') {
            throw error;
          }
          this.log.warn('LISTEN is not possible on this connection; live streams fall back to polling', { error });
          this.mode = 'poll';
        }
      }
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.backoffMs = 100;
      await this.poll(); // learn the current position before announcing readiness
      this.emit('state', this.mode === 'listen' ? 'connected' : 'polling');
      this.emit('resync');
      clearInterval(this.pollTimer);
      this.pollTimer = setInterval(
        () => void this.poll(),
        this.mode === 'listen' ? SAFETY_POLL_MS : this.settings.streamPollIntervalMs
      );
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== undefined && this.client !== client) {
      return; // an old connection's late event
    }
    // One loss, one reconnection: handling each of its events doubled the warnings and the backoff, so a short
    // database restart left streams waiting up to 5 s longer than needed (#9,
    // tests/regressions/0005-listener-loss-handled-twice.test.ts).
    if (this.lostClients.has(client)) {
      return;
    }
    this.lostClients.add(client);
    const wasConnected = this.client === client;
    this.client = undefined;
    clearInterval(this.pollTimer);
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    if (this.stopped) {
      return;
    }
    if (wasConnected) {
      this.emit('state', 'disconnected');
    }
    this.log.warn('live stream connection to PostgreSQL lost; reconnecting', {
      error: error instanceof Error ? error.message : String(error),
      retryInMs: this.backoffMs,
    });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.backoffMs);
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
  }

  private async poll(): Promise<void> {
    const client = this.client;
    // While a lock holds a poll up, the interval must not queue more behind it on the same connection: they piled up
    // (one per tick, each later failing at the statement timeout) and pg printed a raw deprecation warning on
    // stderr for each queued query (#9, tests/regressions/0010-watcher-polls-pile-up-under-lock.test.ts).
    if (!client || this.pollingOn === client) {
      return;
    }
    this.pollingOn = client;
    try {
      const { rows } = await client.query<{ max_seq: string | null }>('SELECT max(seq) AS max_seq FROM ledger_events');
      const maxSeq = rows[0]?.max_seq === null || rows[0]?.max_seq === undefined ? 0 : Number(rows[0].max_seq);
      if (this.knownMaxSeq < 0) {
        this.knownMaxSeq = maxSeq;
      } else if (maxSeq > this.knownMaxSeq) {
        this.observe({ minSeq: this.knownMaxSeq + 1, maxSeq });
      }
    } catch (error) {
      this.lost(client, error);
    } finally {
      if (this.pollingOn === client) {
        this.pollingOn = undefined;
      }
    }
  }

  private observe(change: LedgerChange): void {
    this.knownMaxSeq = Math.max(this.knownMaxSeq, change.maxSeq);
    this.emit('change', change);
  }
}
