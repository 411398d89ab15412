/**
 * Loads the plugin's built modules (dist/module.js and dist/datasource/module.js, served at their plugin.json
 * `module` paths) the way Grafana's plugin loader does: SystemJS with the AMD extra, the shared packages registered
 * as `package:<name>` and mapped by an import map, plugin sources fetched and run with the AMD `define`.
 *
 * It also records, per module, which shared packages its bundle asked for: a bundle that carried its own React or
 * @grafana/data would not ask, and the suite checks that it did.
 */
import { sharedDependencies } from './sharedDependencies';
import { SystemJS, withAmdDefine } from './systemjs';

const SHARED_PREFIX = 'package:';
const JS_CONTENT_TYPE = /^(text|application)\/(x-)?javascript(;|$)/;
const isPluginUrl = (url: string) => new URL(url, window.location.href).pathname.startsWith('/public/plugins/');

/** Module URL → the shared packages it imported. */
const requested = new Map<string, Set<string>>();

/**
 * Grafana registers webpack's namespace objects, tagged 'Module', which SystemJS keeps as they are: their exports stay
 * live bindings, so what Grafana sets after start-up (the PluginPage component) is what plugins see. esbuild's
 * namespaces are not tagged; untagged, SystemJS would copy them and freeze today's values.
 */
function asLiveNamespace(module: Record<string, unknown>): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(module, Symbol.toStringTag)) {
    Object.defineProperty(module, Symbol.toStringTag, { value: 'Module' });
  }
  return module;
}

function installSharedDependencies(): void {
  const imports: Record<string, string> = {};
  for (const [name, module] of Object.entries(sharedDependencies)) {
    SystemJS.set(`${SHARED_PREFIX}${name}`, asLiveNamespace(module));
    imports[name] = `${SHARED_PREFIX}${name}`;
  }
  SystemJS.addImportMap({ imports });

  const resolve = SystemJS.resolve.bind(SystemJS);
  SystemJS.resolve = (id, parentUrl) => {
    const url = resolve(id, parentUrl);
    if (parentUrl && isPluginUrl(parentUrl) && url.startsWith(SHARED_PREFIX)) {
      const names = requested.get(parentUrl) ?? new Set<string>();
      names.add(url.slice(SHARED_PREFIX.length));
      requested.set(parentUrl, names);
    }
    return url;
  };
  SystemJS.shouldFetch = (url) => isPluginUrl(url);
  const fetchSource = SystemJS.fetch.bind(SystemJS);
  SystemJS.fetch = async (url, options) => {
    const response = await fetchSource(url, options);
    if (!response.ok || !JS_CONTENT_TYPE.test(response.headers.get('content-type') ?? '')) {
      return response;
    }
    const source = await response.text();
    return new Response(new Blob([withAmdDefine(source)], { type: 'text/javascript' }));
  };
}

installSharedDependencies();

/** A loaded plugin module: its exports and the shared packages its bundle asked the host for. */
export interface LoadedModule<T> {
  url: string;
  exports: T;
  sharedImports: string[];
}

/** Imports a plugin module from its plugin.json `module` path (`public/plugins/<id>/module.js`). */
export async function importPluginModule<T>(modulePath: string): Promise<LoadedModule<T>> {
  const url = new URL(`/${modulePath.replace(/^\//, '')}`, window.location.href).toString();
  const exports = (await SystemJS.import(url)) as T;
  return { url, exports, sharedImports: [...(requested.get(url) ?? [])].sort() };
}
