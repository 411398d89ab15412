/**
 * Per-datasource instance state (settings, pool, later the stream hub), cached by org and uid and rebuilt when
 * Grafana reports newer settings (`lastUpdatedMS`). Old pools are ended after the queries using them finish.
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
}

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

/** Instance cache; one per process. */
export class InstanceManager {
  private readonly instances = new Map<string, Instance>();

  constructor(private readonly log: Logger) {}

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
    if (current) {
      this.log.info('datasource settings changed; rebuilding its connection pool', { datasource: datasource.uid });
      void current.dispose();
    }
    return next;
  }

  private create(key: string, version: string, datasource: DataSourceInstance): Instance {
    const settings = parseSettings(datasource);
    const log = this.log.child({ datasource: datasource.uid || String(datasource.id) });
    return new Instance(key, datasource.uid, datasource.name, version, settings, createPool(settings, log), log);
  }

  /** Disposes every instance (process shutdown). */
  async closeAll(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
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
