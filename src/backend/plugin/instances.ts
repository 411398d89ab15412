/**
 * Per-datasource instance state (settings, pool, stream hub), cached by org and uid and rebuilt when Grafana reports
 * newer settings (`lastUpdatedMS`). Old pools are ended after the queries using them finish.
 *
 * Grafana never says that a datasource was deleted or renamed, so an instance nobody has used for the idle TTL
 * (`LEDGER_INSTANCE_IDLE_TTL_MS`, default 15 minutes) is evicted with its pool, stream hub, listeners and timers;
 * without this they lived until the process exited and RSS only grew (#14). An instance is never evicted while a
 * request runs on it (`track`) or while a companion (the stream hub) is still in use; its next request rebuilds it.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

import { SettingsError } from '../errors';
import type { Logger } from '../log';
import { createPool } from '../db/pool';
import { parseSettings, type LedgerSettings } from '../settings/parseSettings';
import type { DataSourceInstance, RequestContext } from './types';

/** Something an instance owns that must be released with it (stream hubs, listeners). */
export interface Disposable {
  dispose(): Promise<void>;
  /** True while the companion must keep the instance alive (e.g. live streams with subscribers). */
  inUse?(): boolean;
}

/** Default idle TTL: long enough that a dashboard refreshing every few minutes keeps its instance. */
export const DEFAULT_IDLE_TTL_MS = 15 * 60_000;
const IDLE_TTL_VARIABLE = 'LEDGER_INSTANCE_IDLE_TTL_MS';

/** A live datasource instance. */
export class Instance {
  private readonly extras = new Map<string, Disposable>();

  constructor(
    readonly key: string,
    readonly uid: string,
    /** The datasource's display name (for links back to it). */
    readonly name: string,
    /** Identifies the settings the instance was built from (lastUpdatedMS + a hash of their content). */
    readonly version: string,
    readonly settings: LedgerSettings,
    readonly pool: pg.Pool,
    readonly log: Logger
  ) {}

  /** A lazily created per-instance companion (e.g. the stream hub), disposed with the instance. */
  companion<T extends Disposable>(name: string, create: () => T): T {
    let value = this.extras.get(name) as T | undefined;
    if (!value) {
      value = create();
      this.extras.set(name, value);
    }
    return value;
  }

  /** The companion named `name` if it exists (never creates it). */
  peek<T extends Disposable>(name: string): T | undefined {
    return this.extras.get(name) as T | undefined;
  }

  /** Whether a companion still needs the instance (live streams with subscribers). */
  inUse(): boolean {
    return [...this.extras.values()].some((extra) => extra.inUse?.() === true);
  }

  /** Releases everything the instance owns. */
  async dispose(): Promise<void> {
    const extras = [...this.extras.values()];
    this.extras.clear();
    await Promise.allSettled(extras.map((extra) => extra.dispose()));
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * Grafana bumps lastUpdatedMS on every save; the content hash also catches a settings change that kept the
 * timestamp (e.g. a provisioning reload), so a pool never outlives the settings it was built from.
 */
function settingsVersion(datasource: DataSourceInstance): string {
  const content = JSON.stringify([
    datasource.url,
    datasource.user,
    datasource.database,
    datasource.jsonData,
    datasource.secureJsonData,
  ]);
  return `${datasource.lastUpdatedMS}:${createHash('sha256').update(content).digest('hex')}`;
}

/** The cache key of a request's datasource (`<orgId>/<uid>`), or undefined when the request names none. */
export function instanceKey(context: RequestContext): string | undefined {
  const datasource = context.datasource;
  return datasource ? `${context.orgId}/${datasource.uid || datasource.id}` : undefined;
}

/**
 * The idle TTL from the environment; a value that is not a positive number of milliseconds is reported (naming the
 * variable) and replaced by the default rather than stopping the plugin.
 */
export function idleTtlFrom(env: NodeJS.ProcessEnv, log: Logger): number {
  const raw = env[IDLE_TTL_VARIABLE];
  if (raw === undefined || raw.trim() === '') {
    return DEFAULT_IDLE_TTL_MS;
  }
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms <= 0) {
    log.error(`${IDLE_TTL_VARIABLE} must be a positive number of milliseconds; using the default`, {
      value: raw.slice(0, 40),
      defaultMs: DEFAULT_IDLE_TTL_MS,
    });
    return DEFAULT_IDLE_TTL_MS;
  }
  return ms;
}

/** How requests use the instance of a key: requests running now, and when the last one started or ended. */
interface Usage {
  running: number;
  lastUsedAt: number;
}

/** Instance cache; one per process. */
export class InstanceManager {
  private readonly instances = new Map<string, Instance>();
  private readonly usage = new Map<string, Usage>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly log: Logger,
    private readonly idleTtlMs = DEFAULT_IDLE_TTL_MS,
    private readonly now: () => number = Date.now
  ) {
    // unref: an idle sweep must never keep the process alive on its own.
    this.sweeper = setInterval(() => void this.evictIdle(), Math.max(50, Math.min(idleTtlMs / 2, 60_000)));
    this.sweeper.unref();
  }

  /**
   * Runs a request's `work` with its datasource's instance marked in use, so the instance is not evicted under it.
   * Every handler that calls `get` runs inside this (createPlugin.ts).
   */
  async track<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
    const key = instanceKey(context);
    if (key === undefined) {
      return work();
    }
    const usage = this.usage.get(key) ?? { running: 0, lastUsedAt: 0 };
    this.usage.set(key, usage);
    usage.running++;
    usage.lastUsedAt = this.now();
    try {
      return await work();
    } finally {
      usage.running--;
      usage.lastUsedAt = this.now();
    }
  }

  /** Like `track` for background work on an instance (metrics): keeps it from eviction without renewing its TTL. */
  async hold<T>(instance: Instance, work: () => Promise<T>): Promise<T> {
    const usage = this.usage.get(instance.key) ?? { running: 0, lastUsedAt: this.now() };
    this.usage.set(instance.key, usage);
    usage.running++;
    try {
      return await work();
    } finally {
      usage.running--;
    }
  }

  /** The instance for a request's datasource; throws SettingsError when settings are missing or invalid. */
  get(context: RequestContext): Instance {
    const datasource = context.datasource;
    if (!datasource) {
      throw new SettingsError('[config] the request carries no datasource settings');
    }
    const key = instanceKey(context)!;
    const version = settingsVersion(datasource);
    const current = this.instances.get(key);
    if (current && current.version === version) {
      return current;
    }
    const next = this.create(key, version, datasource);
    this.instances.set(key, next);
    if (!this.usage.has(key)) {
      this.usage.set(key, { running: 0, lastUsedAt: this.now() });
    }
    if (current) {
      this.log.info('datasource settings changed; rebuilding its connection pool', { datasource: datasource.uid });
      void current.dispose();
    }
    return next;
  }

  /** Disposes the instances idle for the TTL (no request running, no stream subscribed); returns their keys. */
  async evictIdle(): Promise<string[]> {
    const cutoff = this.now() - this.idleTtlMs;
    const idle = [...this.instances.values()].filter((instance) => {
      const usage = this.usage.get(instance.key);
      return (usage === undefined || (usage.running === 0 && usage.lastUsedAt <= cutoff)) && !instance.inUse();
    });
    for (const instance of idle) {
      this.instances.delete(instance.key);
      this.usage.delete(instance.key);
      this.log.info('datasource idle; closing its connection pool until its next request', {
        datasource: instance.uid,
        idleTtlMs: this.idleTtlMs,
      });
    }
    // Usage of keys whose instance was never built (invalid settings) is forgotten too.
    for (const [key, usage] of this.usage) {
      if (!this.instances.has(key) && usage.running === 0 && usage.lastUsedAt <= cutoff) {
        this.usage.delete(key);
      }
    }
    await Promise.allSettled(idle.map((instance) => instance.dispose()));
    return idle.map((instance) => instance.key);
  }

  private create(key: string, version: string, datasource: DataSourceInstance): Instance {
    const settings = parseSettings(datasource);
    const log = this.log.child({ datasource: datasource.uid || String(datasource.id) });
    return new Instance(key, datasource.uid, datasource.name, version, settings, createPool(settings, log), log);
  }

  /** Disposes every instance (process shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.instances.values()];
    this.instances.clear();
    this.usage.clear();
    await Promise.allSettled(all.map((instance) => instance.dispose()));
  }

  /** Number of cached instances (metrics, tests). */
  get size(): number {
    return this.instances.size;
  }

  /** Every live instance (metrics). */
  all(): Instance[] {
    return [...this.instances.values()];
  }
}
