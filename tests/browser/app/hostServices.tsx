/**
 * The @grafana/runtime singletons Grafana sets before it loads a plugin, implemented for the test host: HTTP goes
 * to the host's Grafana-shaped API (which calls the real plugin executable), datasources are instances of the
 * datasource plugin loaded from dist/, template variables are interpolated by @grafana/scenes over a dashboard
 * scene holding the harness's variables.
 */
import {
  EventBusSrv,
  type DataSourceApi,
  type DataSourcePlugin,
  type DataSourceInstanceSettings,
  type DataSourceRef,
} from '@grafana/data';
import {
  FakeEchoSrv,
  setAppEvents,
  setBackendSrv,
  setDataSourceSrv,
  setEchoSrv,
  setTemplateSrv,
  type BackendSrv,
  type BackendSrvRequest,
  type DataSourceSrv,
  type FetchResponse,
  type GetDataSourceListFilters,
  type TemplateSrv,
} from '@grafana/runtime';
import { from, lastValueFrom, type Observable } from 'rxjs';

import { dashboardScene } from '../../../src/datasource/query/__testSupport__/sceneTemplateSrv';
import { HARNESS_VARIABLES } from '../fixtures/harnessVariables';
import { hostConfig } from './hostConfig';
import { importPluginModule } from './pluginLoader';

function urlOf(options: BackendSrvRequest): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(options.params ?? {})) {
    if (value !== undefined && value !== null) {
      params.set(key, String(value));
    }
  }
  const query = params.toString();
  return query ? `${options.url}${options.url.includes('?') ? '&' : '?'}${query}` : options.url;
}

async function request<T>(options: BackendSrvRequest): Promise<FetchResponse<T>> {
  const method = options.method ?? 'GET';
  const response = await window.fetch(urlOf(options), {
    method,
    headers: { 'Content-Type': 'application/json', ...(options.headers ?? {}) },
    body: options.data === undefined || method === 'GET' ? undefined : JSON.stringify(options.data),
  });
  const text = await response.text();
  let data: unknown = text;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const result = {
    data: data as T,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    redirected: false,
    type: response.type,
    url: response.url,
    config: options,
  };
  if (!response.ok) {
    // Grafana's FetchError shape: what isFetchError() and toDataQueryResponse() read.
    throw { ...result, message: (data as { message?: string } | undefined)?.message ?? response.statusText };
  }
  return result;
}

/** BackendSrv over window.fetch, with Grafana's error shape. */
class HostBackendSrv {
  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return from(request<T>(options));
  }
  async get<T>(url: string, params?: BackendSrvRequest['params']): Promise<T> {
    return (await request<T>({ url, params })).data;
  }
  async post<T>(url: string, data?: unknown): Promise<T> {
    return (await request<T>({ url, method: 'POST', data })).data;
  }
  async put<T>(url: string, data?: unknown): Promise<T> {
    return (await request<T>({ url, method: 'PUT', data })).data;
  }
  async delete<T>(url: string): Promise<T> {
    return (await request<T>({ url, method: 'DELETE' })).data;
  }
  async request<T>(options: BackendSrvRequest): Promise<T> {
    return (await lastValueFrom(this.fetch<T>(options))).data;
  }
  resolveCancelerIfExists() {}
}

/**
 * DataSourceSrv holding the host's Ledger datasources. Like Grafana's, it imports the datasource plugin's module
 * (its meta's `module`, i.e. dist/datasource/module.js) on first use and instantiates its DataSourceClass.
 */
class HostDataSourceSrv {
  private readonly instances = new Map<string, Promise<DataSourceApi>>();
  constructor(private readonly settings: DataSourceInstanceSettings[]) {}

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    const uid = typeof ref === 'string' ? ref : ref?.uid;
    return uid ? this.settings.find((s) => s.uid === uid || s.name === uid) : this.settings[0];
  }
  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    return this.settings.filter(
      (s) => (!filters.pluginId || s.type === filters.pluginId) && (!filters.filter || filters.filter(s))
    );
  }
  get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const settings = this.getInstanceSettings(ref);
    if (!settings) {
      return Promise.reject(new Error(`Datasource ${JSON.stringify(ref)} was not found`));
    }
    // One instance per datasource, also when several components ask while the module is still loading.
    let instance = this.instances.get(settings.uid);
    if (!instance) {
      instance = this.instantiate(settings);
      this.instances.set(settings.uid, instance);
    }
    return instance;
  }
  private async instantiate(settings: DataSourceInstanceSettings): Promise<DataSourceApi> {
    const datasourcePlugin = (
      await importPluginModule<{ plugin: DataSourcePlugin<DataSourceApi> }>(settings.meta.module)
    ).exports.plugin;
    datasourcePlugin.meta = settings.meta;
    const DataSourceClass = datasourcePlugin.DataSourceClass as unknown as new (
      s: DataSourceInstanceSettings
    ) => DataSourceApi;
    const instance = new DataSourceClass(settings);
    instance.components = datasourcePlugin.components as unknown as DataSourceApi['components'];
    return instance;
  }
  reload() {}
  registerRuntimeDataSource() {}
}

/** Installs the singletons; call once, before any plugin module loads (as Grafana does). */
export function installHostServices(): void {
  setBackendSrv(new HostBackendSrv() as unknown as BackendSrv);
  setDataSourceSrv(new HostDataSourceSrv(hostConfig().datasources) as unknown as DataSourceSrv);
  // Grafana's TemplateSrv on a scenes dashboard: interpolation is @grafana/scenes' own, over the harness's variables.
  // The scene stays active for the page's life, as an open dashboard's does.
  setTemplateSrv(dashboardScene(HARNESS_VARIABLES).templateSrv as unknown as TemplateSrv);
  setEchoSrv(new FakeEchoSrv());
  setAppEvents(new EventBusSrv());
}
