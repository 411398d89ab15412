/**
 * Defers loading the plugin's modules (pg, apache-arrow, zod schemas, prom-client: most of the start-up time) until
 * after the handshake line is out, so Grafana sees the plugin ready sooner. Loading starts right after the
 * handshake; a call that arrives earlier simply waits for it.
 */
import type { PluginHandlers } from './types';

/** PluginHandlers that forward to handlers created on first need. */
export function lazyHandlers(load: () => Promise<PluginHandlers>): PluginHandlers & { preload(): void } {
  let loaded: Promise<PluginHandlers> | undefined;
  const get = () => (loaded ??= load());
  return {
    preload: () => void get().catch(() => undefined),
    queryData: async (request, signal) => (await get()).queryData(request, signal),
    checkHealth: async (context, signal) => (await get()).checkHealth(context, signal),
    collectMetrics: async (context) => (await get()).collectMetrics(context),
    callResource: async (request, signal) => (await get()).callResource(request, signal),
    subscribeStream: async (request) => (await get()).subscribeStream(request),
    runStream: async (request, send, signal) => (await get()).runStream(request, send, signal),
    publishStream: async (request) => (await get()).publishStream(request),
    // Nothing to close if nothing was ever loaded.
    close: async () => (loaded ? (await loaded).close() : undefined),
  };
}
