/**
 * Extends create-plugin's webpack config (.config/ is the scaffold's and stays untouched).
 *
 * - The app's module lives in src/app/ (the scaffold expects src/module.tsx), so entries are named here.
 * - The scaffold copies every src/**\/*.json to dist; the backend, the ledger tools and the shared contract are not
 *   frontend assets and must not be shipped as such.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';

import grafanaConfig, { type Env } from './.config/webpack/webpack.config';
import { copyFilePatterns } from './.config/bundler/copyFiles';

const NOT_FRONTEND = ['**/backend/**', '**/ledger/**', '**/contract/**', '**/*.test.*'];

const config = async (env: Env): Promise<Configuration> => {
  const base = await grafanaConfig(env);
  const plugins = (base.plugins ?? []).map((plugin) =>
    plugin instanceof CopyWebpackPlugin
      ? new CopyWebpackPlugin({
          patterns: copyFilePatterns.map((pattern) =>
            pattern.from === '**/*.json' ? { ...pattern, globOptions: { ignore: NOT_FRONTEND } } : pattern
          ),
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
  };
};

export default config;
