/**
 * Assembles the plugin's handlers from its parts. main.ts calls this once; tests may call it with their own
 * logger and environment.
 */
import type { Logger } from '../log';
import { checkHealth } from './checkHealth';
import { idleTtlFrom, InstanceManager } from './instances';
import { LedgerMetrics } from './ledgerMetrics';
import { PluginMetrics } from './metrics';
import { queryData } from './queryData';
import { callResource } from './resources';
import type { StreamHub } from './streams/streamHub';
import { publishStream, runStream, subscribeStream } from './streams/streamHandlers';
import { archiveLongSpecsIn } from './streams/liveSpec';
import { StreamPositions } from './streams/streamPositions';
import type { PluginHandlers } from './types';

/** Dependencies of the plugin. */
export interface PluginDeps {
  log: Logger;
  env: NodeJS.ProcessEnv;
}

/** Creates the handlers Grafana's calls are routed to. */
export function createPlugin({ log, env }: PluginDeps): PluginHandlers {
  const instances = new InstanceManager(log, idleTtlFrom(env, log));
  const positions = StreamPositions.open(env, log);
  archiveLongSpecsIn(positions);
  const metrics = new PluginMetrics();
  const ledgerMetrics = new LedgerMetrics();
  const hubs = () => instances.all().flatMap((instance) => instance.peek<StreamHub>('streams') ?? []);
  metrics.gauge('ledger_plugin_live_streams', 'Live stream workers running (one per channel path).', () =>
    hubs().reduce((sum, hub) => sum + hub.activePaths, 0)
  );
  metrics.gauge('ledger_plugin_live_subscribers', 'RunStream calls attached to live stream workers.', () =>
    hubs().reduce((sum, hub) => sum + hub.subscribers, 0)
  );
  metrics.gauge(
    'ledger_plugin_live_connections',
    'Database connections held open for live streams (LISTEN).',
    () => hubs().filter((hub) => hub.watching).length
  );
  metrics.gauge(
    'ledger_plugin_datasource_instances',
    'Datasource instances with a connection pool.',
    () => instances.size
  );
  // Pool gauges show exhaustion as it happens and prove, after load or faults, that no connection was leaked.
  const pools = () => instances.all().map((instance) => instance.pool);
  metrics.gauge('ledger_plugin_pool_connections', 'Open connections of the datasource pools (idle and in use).', () =>
    pools().reduce((sum, pool) => sum + pool.totalCount, 0)
  );
  metrics.gauge('ledger_plugin_pool_idle_connections', 'Pool connections open but not in use.', () =>
    pools().reduce((sum, pool) => sum + pool.idleCount, 0)
  );
  metrics.gauge('ledger_plugin_pool_waiting_requests', 'Requests waiting for a pool connection to come free.', () =>
    pools().reduce((sum, pool) => sum + pool.waitingCount, 0)
  );

  return {
    // `track` marks the request's instance in use, so idle eviction never closes a pool under a running request.
    queryData: (request, signal) =>
      metrics.time('queryData', () =>
        instances.track(request.context, () => queryData(instances, request, signal, log))
      ),
    checkHealth: (context, signal) =>
      metrics.time('checkHealth', () => instances.track(context, () => checkHealth(instances, context, signal))),
    // Scrapes hold instances while reading them but do not renew their idle TTL: an unused datasource still goes.
    collectMetrics: async () =>
      `${await metrics.render()}\n${await ledgerMetrics.render(instances.all(), (instance, work) => instances.hold(instance, work))}\n`,
    callResource: (request, signal) =>
      metrics.time('callResource', () =>
        instances.track(request.context, () => callResource(instances, request, signal))
      ),
    subscribeStream: (request) =>
      metrics.time('subscribeStream', () =>
        instances.track(request.context, () => subscribeStream(instances, request, log))
      ),
    runStream: (request, send, signal) =>
      metrics.time('runStream', () =>
        instances.track(request.context, () => runStream(instances, positions, request, send, signal))
      ),
    publishStream: () => publishStream(),
    close: () => instances.closeAll(),
  };
}
