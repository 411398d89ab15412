/**
 * Where each live log tail stands (its last sent seq and its open gaps), kept on disk so that a tail resumes exactly
 * where it stopped after the plugin is killed and relaunched, or after its datasource is reconfigured: Grafana calls
 * RunStream again on the same channel while the browser still shows the lines already sent, and only this process
 * knew which those were (#9, tests/regressions/0009-log-tail-gap-after-relaunch.test.ts).
 *
 * - One small JSON file per (datasource, channel path), written atomically (temp file + rename) after every packet.
 *   A kill between a packet and its write can repeat that one packet; nothing is lost.
 * - The directory is private: created 0700, and ignored (with a warning, tails then start fresh) if it is not ours
 *   or others may write to it, since its files decide what a stream skips. `LEDGER_STATE_DIR` overrides the default
 *   `<tmpdir>/gpx_ledger-state-<uid>`.
 * - Positions older than a day are forgotten: nothing resumes a stream that long after.
 * - The same store keeps the queries behind long live paths (`live/h…`, liveSpec.ts), which a relaunched plugin
 *   must also still know.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Logger } from '../../log';

/** A log tail's position. */
export interface StreamPosition {
  /** Highest seq delivered (every matching seq at or below it was sent, except open gaps). */
  cursor: number;
  /**
   * recorded_at of the cursor's row as text ('' when there is none): a recreated database reuses seqs, and a
   * position saved for the old one must not decide what the new one's stream skips. Unset for a fresh start.
   */
  anchor?: string;
  /** Seqs below the cursor not yet committed when seen, with the snapshot xmax at discovery. */
  gaps: Array<{ seq: number; xmax: string }>;
}

const TTL_MS = 24 * 3_600_000;

/** Reads and writes stream positions; a no-op store when no private directory is available. */
export class StreamPositions {
  private constructor(
    private readonly dir: string | undefined,
    private readonly log: Logger
  ) {}

  /** Opens the store in `env.LEDGER_STATE_DIR` or the default directory (see the file comment). */
  static open(env: NodeJS.ProcessEnv, log: Logger): StreamPositions {
    const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
    const dir = env.LEDGER_STATE_DIR || path.join(tmpdir(), `gpx_ledger-state-${uid ?? 'user'}`);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stat = statSync(dir);
      if ((uid !== undefined && stat.uid !== uid) || (process.platform !== 'win32' && (stat.mode & 0o077) !== 0)) {
        log.warn('live stream state directory is not private; log tails will not resume after a restart', { dir });
        return new StreamPositions(undefined, log);
      }
      const store = new StreamPositions(dir, log);
      store.prune();
      return store;
    } catch (error) {
      log.warn('live stream state directory unavailable; log tails will not resume after a restart', { dir, error });
      return new StreamPositions(undefined, log);
    }
  }

  /** A store that remembers nothing (tests, or no usable directory). */
  static none(log: Logger): StreamPositions {
    return new StreamPositions(undefined, log);
  }

  private file(key: string): string | undefined {
    return this.dir && path.join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  /** The saved position of a stream, if any (and not expired or damaged). */
  load(key: string): StreamPosition | undefined {
    // none saved, or unreadable: the stream starts from its path's position
    const saved = this.loadRecord(key) as Partial<StreamPosition> | undefined;
    const valid =
      saved !== undefined &&
      Number.isSafeInteger(saved?.cursor) &&
      typeof saved.anchor === 'string' &&
      Array.isArray(saved.gaps) &&
      saved.gaps.every((gap) => Number.isSafeInteger(gap?.seq) && /^\d+$/.test(String(gap?.xmax)));
    return valid ? { cursor: saved.cursor!, anchor: saved.anchor!, gaps: saved.gaps! } : undefined;
  }

  /** Saves a stream's position (atomically). Failures are logged, never thrown: streaming goes on. */
  save(key: string, position: StreamPosition): void {
    this.saveRecord(key, position);
  }

  /** Saves any JSON value under `key` (atomically; expires like positions), e.g. a long live path's query. */
  saveRecord(key: string, value: unknown): void {
    this.write(key, { key, at: Date.now(), value });
  }

  /** The value saved under `key`, if any (and not expired or damaged). */
  loadRecord(key: string): unknown {
    const file = this.file(key);
    if (!file) {
      return undefined;
    }
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; at?: unknown; value?: unknown };
      const fresh = typeof saved.at === 'number' && Date.now() - saved.at < TTL_MS;
      return fresh && saved.key === key ? saved.value : undefined;
    } catch {
      return undefined;
    }
  }

  private write(key: string, record: object): void {
    const file = this.file(key);
    if (!file) {
      return;
    }
    try {
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(record), { mode: 0o600 });
      renameSync(temp, file);
    } catch (error) {
      this.log.warn('could not save live stream state', { error });
    }
  }

  private prune(): void {
    for (const name of readdirSync(this.dir!)) {
      const file = path.join(this.dir!, name);
      try {
        if (Date.now() - statSync(file).mtimeMs > TTL_MS) {
          rmSync(file, { force: true });
        }
      } catch {
        // raced with another process: nothing to do
      }
    }
  }
}
