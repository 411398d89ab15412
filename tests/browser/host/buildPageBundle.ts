/**
 * Builds the test host's page bundle with esbuild: our app and datasource frontends (straight from src/) inside
 * Grafana's UI libraries, plus Monaco's editor worker. Grafana provides those libraries at run time; the host
 * bundles them instead.
 */
import { build, type Plugin } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../../support/pluginProcess';

/**
 * In Grafana there is one react-router v6 for Grafana, @grafana/ui and plugins. Installed from npm, @grafana/ui's
 * Link goes through react-router-dom-v5-compat, which carries its own nested react-router; its links would then see
 * no router. Resolving that import to the react-router everyone else uses restores Grafana's single router.
 */
const oneReactRouter: Plugin = {
  name: 'one-react-router',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^react-router$/ }, async (args) => {
      if (!args.importer.includes('react-router-dom-v5-compat') || args.pluginData === 'shared') {
        return undefined;
      }
      const shared = await pluginBuild.resolve('react-router', {
        resolveDir: REPO_ROOT,
        kind: args.kind,
        pluginData: 'shared',
      });
      return { path: shared.path };
    });
  },
};

/** Builds into a fresh temporary folder and returns it (main.js, main.css, editor.worker.js, fonts). */
export async function buildPageBundle(): Promise<string> {
  const outdir = mkdtempSync(path.join(tmpdir(), 'ledger-browser-bundle-'));
  const common = {
    bundle: true,
    platform: 'browser' as const,
    target: 'chrome120',
    logLevel: 'error' as const,
    absWorkingDir: REPO_ROOT,
    // Development React: its warnings about keys, props and hooks reach the console, where the tests look.
    define: { 'process.env.NODE_ENV': '"development"', global: 'globalThis' },
  };
  await Promise.all([
    build({
      ...common,
      entryPoints: { main: path.join(REPO_ROOT, 'tests/browser/app/main.tsx') },
      outdir,
      format: 'iife',
      jsx: 'automatic',
      loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
      assetNames: '[name]-[hash]',
      plugins: [oneReactRouter],
      // what Grafana keeps internal and sets at start-up (app/tsconfig.json maps the same name to its types)
      alias: {
        'grafana-runtime-internal/PluginPage': path.join(
          REPO_ROOT,
          'node_modules/@grafana/runtime/dist/esm/components/PluginPage.mjs'
        ),
      },
    }),
    build({
      ...common,
      entryPoints: {
        'editor.worker': path.join(REPO_ROOT, 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js'),
      },
      outdir,
      format: 'iife',
    }),
  ]);
  return outdir;
}
