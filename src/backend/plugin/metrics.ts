/**
 * The plugin's own Prometheus metrics (request counts and latencies per endpoint, Node process metrics), served
 * through CollectMetrics. Grafana exposes them at /api/plugins/<id>/metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Endpoints we count. */
export type Endpoint = 'queryData' | 'checkHealth' | 'callResource' | 'runStream' | 'subscribeStream';

/** Registry plus the request instruments. */
export class PluginMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ledger_plugin_requests_total',
    help: 'Requests handled by the ledger datasource backend, by endpoint and outcome.',
    labelNames: ['endpoint', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'ledger_plugin_request_duration_seconds',
    help: 'Time to answer a request, by endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'ledger_plugin_' });
    // These three are gauges named like counters; promtool rejects them, and the same numbers are also exported
    // without the suffix (nodejs_active_handles, nodejs_active_requests, nodejs_active_resources).
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      this.registry.removeSingleMetric(`ledger_plugin_${name}`);
    }
  }

  /** A gauge whose value is read at scrape time. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** Times `work` and counts it as ok or error. */
  async time<T>(endpoint: Endpoint, work: () => Promise<T>): Promise<T> {
    const stop = this.duration.startTimer({ endpoint });
    try {
      const result = await work();
      this.requests.inc({ endpoint, status: 'ok' });
      return result;
    } catch (error) {
      this.requests.inc({ endpoint, status: 'error' });
      throw error;
    } finally {
      stop();
    }
  }

  /** Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
