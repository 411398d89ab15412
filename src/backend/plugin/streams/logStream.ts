/**
 * Live tail of ledger events (Explore's live logs): every new event matching the query is sent exactly once, in
 * append order, as log-lines rows appended to the frame on the frontend.
 *
 * Catch-up is by `seq`. Sequence numbers are handed out at insert time but become visible at commit, so a reader can
 * see seq 12 before seq 11. A missing seq is therefore a *gap*: rows after it are held back briefly (GAP_HOLD_MS) to
 * keep order in the common case, then delivered; the gap keeps being checked and its rows are delivered late if they
 * commit. A gap is closed for good once every transaction that was running when it was seen has ended (the oldest
 * running transaction is newer than the snapshot's xmax at discovery): what is still missing then was rolled back.
 * Nothing is lost or sent twice across NOTIFY bursts, dropped listener connections or database restarts; across
 * plugin restarts and settings changes the position saved after each packet (streamPositions.ts) is resumed.
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
import type { StreamPosition } from './streamPositions';
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

/** What one catch-up round read; applied to the stream only once all of it was read. */
interface Round {
  rows: RawEventRow[];
  cursor: number;
  anchor: string | undefined;
  gaps: Map<number, Gap>;
  /** Run another round after this many ms (a gap is being waited for, or the batch was full). */
  again?: number;
}

/** Streams new matching events of one logs query. */
export class LogStream implements StreamWorker {
  private readonly sinks = new Map<StreamSender, { schemaSent: boolean }>();
  private readonly abort = new AbortController();
  private readonly tick: NodeJS.Timeout;
  private gaps = new Map<number, Gap>();
  private cursor: number;
  /** recorded_at of the cursor's row ('' when none; undefined until read): which ledger the position is in. */
  private anchor: string | undefined;
  /** The start position was saved earlier and is not yet checked against this ledger. */
  private verify: boolean;
  /** Where to start when a saved position turns out to belong to another ledger (a recreated database). */
  private readonly fallbackCursor: number;
  private running: Promise<void> | undefined;
  private dirty = false;
  private readonly plan: LogsPlan;

  /**
   * `start.cursor` is the last seq already delivered (−1: start at the ledger's current end). A saved position
   * (`start.anchor` set) is checked against the ledger first and replaced by `fallbackCursor` when it belongs to
   * another one. `onDelivered` is told the position after every packet, for the stream to resume there later.
   */
  constructor(
    readonly path: string,
    spec: LiveSpec,
    private readonly target: ExecutionTarget,
    private readonly log: Logger,
    start: StreamPosition,
    private readonly onDelivered: (position: StreamPosition) => void = () => undefined,
    fallbackCursor = -1
  ) {
    const plan = planQuery(queryAt(spec, Date.now()));
    if (plan.kind !== 'logs') {
      throw new Error('a log stream needs a logs query');
    }
    this.plan = plan;
    this.cursor = start.cursor;
    this.anchor = start.anchor;
    this.verify = start.anchor !== undefined;
    this.fallbackCursor = fallbackCursor;
    for (const gap of start.gaps) {
      this.gaps.set(gap.seq, { seq: gap.seq, seenAt: 0, xmax: gap.xmax });
    }
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
      const round = await withReadOnlySession(this.target.pool, this.target.settings, (session) => this.read(session), {
        signal: this.abort.signal,
      });
      // Only now does the stream move on: a round that failed half-way (its connection killed between the queries)
      // used to leave the cursor past rows it never sent (#9,
      // tests/regressions/0012-log-tail-skips-rows-when-a-round-fails.test.ts).
      this.cursor = round.cursor;
      this.anchor = round.anchor;
      this.gaps = round.gaps;
      this.verify = false;
      if (round.again !== undefined) {
        setTimeout(() => this.request(), round.again).unref();
      }
      if (round.rows.length > 0) {
        const accepted = await this.send(
          logFrame(round.rows.map(toEventRow), 'live tail', { uid: this.target.uid, name: this.target.name })
        );
        // A packet no RunStream took is not delivered: the position stays before it, so the stream Grafana starts
        // again resends it rather than skipping it.
        if (accepted === 0) {
          return;
        }
        this.onDelivered({
          cursor: this.cursor,
          anchor: this.anchor ?? '',
          gaps: [...this.gaps.values()].map(({ seq, xmax }) => ({ seq, xmax })),
        });
      }
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.log.warn('live log stream could not catch up; will retry', { path: this.path, error });
      }
    }
  }

  /** One round: new rows after the cursor plus late rows of open gaps, matching rows in seq order. */
  private async read(session: Session): Promise<Round> {
    let cursor = this.cursor;
    let anchor = this.anchor;
    const gaps = new Map(this.gaps);
    if (cursor < 0) {
      const { rows } = await session.query<{ seq: string; at: string }>(
        'SELECT seq::text AS seq, recorded_at::text AS at FROM ledger_events ORDER BY seq DESC LIMIT 1'
      );
      return { rows: [], cursor: Number(rows[0]?.seq ?? 0), anchor: rows[0]?.at ?? '', gaps };
    }
    if (anchor === undefined || this.verify) {
      const { rows } = await session.query<{ at: string }>(
        'SELECT recorded_at::text AS at FROM ledger_events WHERE seq = $1::int8',
        [cursor]
      );
      const actual = rows[0]?.at ?? '';
      if (this.verify && actual !== anchor) {
        // A position saved for another ledger (the database was recreated): it says nothing about this one.
        this.log.info('saved live stream position belongs to another ledger; starting after the query answer', {
          path: this.path,
        });
        return { rows: [], cursor: this.fallbackCursor, anchor: undefined, gaps: new Map(), again: 0 };
      }
      anchor = actual;
    }
    const snapshot = (
      await session.query<{ xmin: string; xmax: string }>(
        'SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax'
      )
    ).rows[0]!;
    const params = new Params();
    const matches = `true${filtersSql(this.plan.filters, params)}${searchSql(this.plan.search, params)}`;
    const open = [...gaps.keys()];
    const seen = await session.query<{ seq: string; at: string; matches: boolean }>(
      `SELECT e.seq::text AS seq, e.recorded_at::text AS at, (${matches}) AS matches FROM ledger_events e
       WHERE e.seq > ${params.add(cursor, 'int8')} OR e.seq = ANY(${params.add(open, 'int8[]')})
       ORDER BY e.seq LIMIT ${BATCH}`,
      params.values
    );
    const wanted: number[] = [];
    const now = Date.now();
    let youngestGap = Infinity; // lowest gap still young enough to hold back the rows after it
    for (const gap of gaps.values()) {
      if (now - gap.seenAt < GAP_HOLD_MS) {
        youngestGap = Math.min(youngestGap, gap.seq);
      }
    }
    let held = false;
    for (const row of seen.rows) {
      const seq = Number(row.seq);
      if (seq <= cursor) {
        // A late commit inside a gap we already moved past.
        gaps.delete(seq);
        if (row.matches) {
          wanted.push(seq);
        }
        continue;
      }
      for (let missing = cursor + 1; missing < seq; missing++) {
        if (!gaps.has(missing)) {
          if (gaps.size >= MAX_TRACKED_GAPS) {
            this.log.warn('too many open gaps in the ledger sequence; later commits inside them will not be streamed', {
              path: this.path,
            });
            break;
          }
          gaps.set(missing, { seq: missing, seenAt: now, xmax: snapshot.xmax });
          youngestGap = Math.min(youngestGap, missing);
        }
      }
      if (youngestGap < seq) {
        held = true; // keep order: give the gap a moment to fill (next round)
        break;
      }
      gaps.delete(seq);
      if (row.matches) {
        wanted.push(seq);
      }
      cursor = seq;
      anchor = row.at;
    }
    // Gaps every possible writer has finished with are final (rolled back).
    for (const gap of gaps.values()) {
      if (BigInt(snapshot.xmin) >= BigInt(gap.xmax) && gap.seq <= cursor) {
        gaps.delete(gap.seq);
      }
    }
    const again = held ? GAP_HOLD_MS : seen.rows.length === BATCH ? 0 : undefined;
    if (wanted.length === 0) {
      return { rows: [], cursor, anchor, gaps, again };
    }
    const rows = await session.query<RawEventRow>(
      `SELECT ${EVENT_COLUMNS_SQL} FROM ledger_events e WHERE e.seq = ANY($1::int8[]) ORDER BY e.seq`,
      [wanted]
    );
    return { rows: rows.rows, cursor, anchor, gaps, again };
  }

  /** Sends a frame to every RunStream of the path; resolves with how many took it. */
  private async send(frame: CheckedFrame): Promise<number> {
    const data = toFrameJson(frame, 'data');
    const full = toFrameJson(frame, 'all');
    const results = await Promise.all(
      [...this.sinks].map(([send, state]) => {
        const packet = state.schemaSent ? data : full;
        state.schemaSent = true;
        return send(packet).then(
          () => true,
          () => this.sinks.delete(send) && false
        );
      })
    );
    return results.filter(Boolean).length;
  }
}
