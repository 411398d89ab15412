/**
 * Live tail of ledger events (Explore's live logs): every new event matching the query is sent exactly once, in
 * append order, as log-lines rows appended to the frame on the frontend.
 *
 * Catch-up is by `seq`. Sequence numbers are handed out at insert time but become visible at commit, so a reader can
 * see seq 12 before seq 11. A missing seq is therefore a *gap*: rows after it are held back briefly (GAP_HOLD_MS) to
 * keep order in the common case, then delivered; the gap keeps being checked and its rows are delivered late if they
 * commit. A gap is closed for good once every transaction that was running when it was seen has ended (the oldest
 * running transaction is newer than the snapshot's xmax at discovery): what is still missing then was rolled back.
 * Nothing is lost or sent twice across NOTIFY bursts, dropped listener connections or database restarts.
 */
import type { LedgerChange } from '../../db/ledgerWatcher';
import { withReadOnlySession, type Session } from '../../db/session';
import type { CheckedFrame } from '../../frames/frame';
import { toFrameJson } from '../../frames/frameJson';
import type { Logger } from '../../log';
import type { ExecutionTarget } from '../../query/execute';
import { EVENT_COLUMNS_SQL, toEventRow, type RawEventRow } from '../../query/logs/eventRow';
import { logFrame } from '../../query/logs/logFrames';
import { searchSql } from '../../query/logs/logsSql';
import { filtersSql } from '../../query/metrics/filtersSql';
import { planQuery, type LogsPlan } from '../../query/plan';
import { Params } from '../../query/sql';
import type { StreamSender } from '../types';
import { queryAt, type LiveSpec } from './liveSpec';
import type { StreamWorker } from './streamWorker';

/** How long rows after a gap wait for the gap to fill before they are sent. */
export const GAP_HOLD_MS = 250;
/** Rows read per catch-up round (a bigger backlog is read in several rounds). */
const BATCH = 5_000;
/** Gaps tracked at most; older ones are given up (logged) rather than growing without bound. */
const MAX_TRACKED_GAPS = 10_000;

interface Gap {
  seq: number;
  seenAt: number;
  /** pg_snapshot_xmax at discovery: once the oldest running transaction is at least this, the gap is final. */
  xmax: string;
}

/** Streams new matching events of one logs query. */
export class LogStream implements StreamWorker {
  private readonly sinks = new Map<StreamSender, { schemaSent: boolean }>();
  private readonly abort = new AbortController();
  private readonly tick: NodeJS.Timeout;
  private readonly gaps = new Map<number, Gap>();
  private cursor: number;
  private running: Promise<void> | undefined;
  private dirty = false;
  private readonly plan: LogsPlan;

  constructor(
    readonly path: string,
    spec: LiveSpec,
    private readonly target: ExecutionTarget,
    private readonly log: Logger,
    startSeq: number
  ) {
    const plan = planQuery(queryAt(spec, Date.now()));
    if (plan.kind !== 'logs') {
      throw new Error('a log stream needs a logs query');
    }
    this.plan = plan;
    this.cursor = startSeq;
    // Gaps and the start position need attention even when no NOTIFY arrives.
    this.tick = setInterval(() => this.request(), 1_000);
    this.request();
  }

  get size(): number {
    return this.sinks.size;
  }

  addSink(send: StreamSender): void {
    this.sinks.set(send, { schemaSent: false });
  }

  removeSink(send: StreamSender): void {
    this.sinks.delete(send);
  }

  onChange(_change: LedgerChange): void {
    this.request();
  }

  onResync(): void {
    this.request();
  }

  stop(): void {
    clearInterval(this.tick);
    this.abort.abort(new Error('stream stopped'));
  }

  private request(): void {
    if (this.abort.signal.aborted) {
      return;
    }
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.catchUp().finally(() => {
      this.running = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.request();
      }
    });
  }

  private async catchUp(): Promise<void> {
    try {
      const rows = await withReadOnlySession(this.target.pool, this.target.settings, (session) => this.read(session), {
        signal: this.abort.signal,
      });
      if (rows.length > 0) {
        await this.send(logFrame(rows.map(toEventRow), 'live tail', { uid: this.target.uid, name: this.target.name }));
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.log.warn('live log stream could not catch up; will retry', { path: this.path, error });
      }
    }
  }

  /** One round: new rows after the cursor plus late rows of open gaps, matching rows in seq order. */
  private async read(session: Session): Promise<RawEventRow[]> {
    if (this.cursor < 0) {
      const { rows } = await session.query<{ max: string | null }>('SELECT max(seq)::text AS max FROM ledger_events');
      this.cursor = Number(rows[0]?.max ?? 0);
      return [];
    }
    const snapshot = (
      await session.query<{ xmin: string; xmax: string }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax'
      )
    ).rows[0]!;
    const params = new Params();
    const matches = `true${filtersSql(this.plan.filters, params)}${searchSql(this.plan.search, params)}`;
    const open = [...this.gaps.keys()];
    const seen = await session.query<{ seq: string; matches: boolean }>(
      `SELECT e.seq::text AS seq, (${matches}) AS matches FROM ledger_events e
       WHERE e.seq > ${params.add(this.cursor, 'int8')} OR e.seq = ANY(${params.add(open, 'int8[]')})
       ORDER BY e.seq LIMIT ${BATCH}`,
      params.values
    );
    const wanted: number[] = [];
    const now = Date.now();
    let youngestGap = Infinity; // lowest gap still young enough to hold back the rows after it
    for (const gap of this.gaps.values()) {
      if (now - gap.seenAt < GAP_HOLD_MS) {
        youngestGap = Math.min(youngestGap, gap.seq);
      }
    }
    let held = false;
    for (const row of seen.rows) {
      const seq = Number(row.seq);
      if (seq <= this.cursor) {
        // A late commit inside a gap we already moved past.
        this.gaps.delete(seq);
        if (row.matches) {
          wanted.push(seq);
        }
        continue;
      }
      for (let missing = this.cursor + 1; missing < seq; missing++) {
        if (!this.gaps.has(missing)) {
          if (this.gaps.size >= MAX_TRACKED_GAPS) {
            this.log.warn('too many open gaps in the ledger sequence; later commits inside them will not be streamed', {
              path: this.path,
            });
            break;
          }
          this.gaps.set(missing, { seq: missing, seenAt: now, xmax: snapshot.xmax });
          youngestGap = Math.min(youngestGap, missing);
        }
      }
      if (youngestGap < seq) {
        held = true; // keep order: give the gap a moment to fill (next round)
        break;
      }
      this.gaps.delete(seq);
      if (row.matches) {
        wanted.push(seq);
      }
      this.cursor = seq;
    }
    // Gaps every possible writer has finished with are final (rolled back).
    for (const gap of this.gaps.values()) {
      if (BigInt(snapshot.xmin) >= BigInt(gap.xmax) && gap.seq <= this.cursor) {
        this.gaps.delete(gap.seq);
      }
    }
    if (held || seen.rows.length === BATCH) {
      setTimeout(() => this.request(), held ? GAP_HOLD_MS : 0).unref();
    }
    if (wanted.length === 0) {
      return [];
    }
    const rows = await session.query<RawEventRow>(
      `SELECT ${EVENT_COLUMNS_SQL} FROM ledger_events e WHERE e.seq = ANY($1::int8[]) ORDER BY e.seq`,
      [wanted]
    );
    return rows.rows;
  }

  private async send(frame: CheckedFrame): Promise<void> {
    const data = toFrameJson(frame, 'data');
    const full = toFrameJson(frame, 'all');
    await Promise.all(
      [...this.sinks].map(([send, state]) => {
        const packet = state.schemaSent ? data : full;
        state.schemaSent = true;
        return send(packet).catch(() => this.sinks.delete(send));
      })
    );
  }
}
