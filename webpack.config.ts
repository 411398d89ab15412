/**
 * Extends create-plugin's webpack config (.config/ is the scaffold's and stays untouched).
 *
 * - The app's module lives in src/app/ (the scaffold expects src/module.tsx), so entries are named here.
 * - The scaffold copies every src/**\/*.json to dist; the backend, the ledger tools and the shared contract are not
 *   frontend assets and must not be shipped as such.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { copyFilePatterns } from './.config/bundler/copyFiles';

const NOT_FRONTEND = ['**/backend/**', '**/ledger/**', '**/contract/**', '**/*.test.*'];

interface PluginMeta {
  info?: { logos?: Record<string, string>; screenshots?: Array<{ path: string }> };
}
const readMeta = (file: string): PluginMeta => JSON.parse(readFileSync(path.join(__dirname, 'src', file), 'utf8'));

/**
 * Files plugin.json files point at that create-plugin's copy list misses: the nested datasource's logos (it copies
 * only the app's), and the app's screenshots, which live once in docs/screenshots (the README shows them too).
 */
function pluginAssetPatterns() {
  const app = readMeta('plugin.json');
  const datasource = readMeta('datasource/plugin.json');
  const datasourceLogos = [...new Set(Object.values(datasource.info?.logos ?? {}))].map((logo) => ({
    from: `datasource/${logo}`,
    to: `datasource/${logo}`,
  }));
  const screenshots = (app.info?.screenshots ?? []).map(({ path: shot }) => ({
    from: `../docs/screenshots/${path.basename(shot)}`,
    to: shot,
  }));
  return [...datasourceLogos, ...screenshots];
}
const SCREENSHOT_SOURCES = new Set((readMeta('plugin.json').info?.screenshots ?? []).map((s) => s.path));

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  const plugins = (base.plugins ?? []).map((plugin) =>
    plugin instanceof CopyWebpackPlugin
      ? new CopyWebpackPlugin({
          patterns: [
            ...copyFilePatterns
              .filter((pattern) => !SCREENSHOT_SOURCES.has(pattern.from))
              .map((pattern) =>
                pattern.from === '**/*.json' ? { ...pattern, globOptions: { ignore: NOT_FRONTEND } } : pattern
              ),
            ...pluginAssetPatterns(),
          ],
        })
      : plugin
  );
  return {
    ...base,
    entry: {
      module: './app/module.tsx',
      'datasource/module': './datasource/module.ts',
    },
    plugins,
    // size hints are for code; screenshots are meant to be large
    performance: { ...base.performance, assetFilter: (asset: string) => /\.js$/.test(asset) },
  };
};

export default config;
