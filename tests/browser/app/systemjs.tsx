/**
 * SystemJS with its AMD extra, as Grafana loads plugins (public/app/features/plugins/loader/systemjs.ts): the
 * plugin's dist/module.js files are AMD modules whose dependencies are the shared packages the host provides.
 *
 * Like Grafana, the AMD `define` is kept off the global object (Monaco and the UMD code in the page must not see
 * it) and handed only to the plugin sources the loader fetches (`withAmdDefine`).
 */
import 'systemjs/dist/system.js';
import 'systemjs/dist/extras/amd.js';

/** The part of SystemJS's API the host uses. */
export interface SystemJSLoader {
  import(id: string): Promise<Record<string, unknown>>;
  resolve(id: string, parentUrl?: string): string;
  set(id: string, module: Record<string, unknown>): void;
  get(id: string): Record<string, unknown> | undefined;
  addImportMap(map: { imports: Record<string, string> }): void;
  shouldFetch(url: string): boolean;
  fetch(url: string, options?: RequestInit): Promise<Response>;
}

interface AmdGlobals {
  System: SystemJSLoader;
  define?: unknown;
  __ledgerHostAmdDefine?: unknown;
}

const globals = window as unknown as AmdGlobals;
globals.__ledgerHostAmdDefine = globals.define;
delete globals.define;

export const SystemJS: SystemJSLoader = globals.System;

/** A fetched AMD source, run with the loader's `define` in scope only. */
export function withAmdDefine(source: string): string {
  return `(function (define) {\n${source}\n})(window.__ledgerHostAmdDefine);`;
}
