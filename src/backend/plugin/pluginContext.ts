/**
 * Checks on the plugin context Grafana attaches to every call. Grafana resolves the datasource and checks the user's
 * permission before calling us; what is left to us is to serve only calls meant for this plugin's datasources.
 */
import type { RequestContext } from './types';

/** The nested datasource's plugin id (src/datasource/plugin.json). */
export const DATASOURCE_PLUGIN_ID = 'aicodeteam-ledger-datasource';

/**
 * True when the call carries datasource settings and names this plugin (or no plugin: older Grafana versions may
 * leave pluginId empty). A call routed here for another plugin, or without a datasource, gets nothing from it.
 */
export function isForThisPlugin(context: RequestContext): boolean {
  return context.datasource !== undefined && (context.pluginId === '' || context.pluginId === DATASOURCE_PLUGIN_ID);
}
