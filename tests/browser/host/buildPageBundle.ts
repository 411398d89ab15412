/**
 * Builds the test host's page bundle with esbuild: the host (Grafana's stand-in: theme, services, routing, the
 * SystemJS plugin loader and the harness pages) with the published Grafana packages it provides to the plugin,
 * plus Monaco's editor worker. The plugin itself is not in it: the page loads dist/module.js and
 * dist/datasource/module.js at run time (app/pluginLoader.ts).
 *
 * The packages come from one Grafana release's set (host/grafanaPackages.ts): the host's imports of @grafana/*,
 * react, react-dom and the other packages that set installs are resolved there, and React is that set's for every
 * importer, so the page has one React.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT } from '../../support/pluginProcess';
import type { GrafanaPackages } from './grafanaPackages';

/**
 * In Grafana there is one react-router v6 for Grafana, @grafana/ui and plugins. Installed from npm, @grafana/ui's
 * Link goes through react-router-dom-v5-compat, which carries its own nested react-router; its links would then see
 * no router. Resolving that import to the react-router everyone else uses restores Grafana's single router.
 */
const oneReactRouter: Plugin = {
  name: 'one-react-router',
  setup(pluginBuild) {
    // Grafana's react-router v6 is the repository's (a release's own top-level react-router may be v5).
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

/** Routers stay the repository's v6 (see oneReactRouter); every other package a release set installs is taken from it. */
const NOT_FROM_RELEASE = /^react-router/;
const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;

/** Resolves the host's imports to a release's packages, and React to that release's React for every importer. */
function fromRelease(packages: GrafanaPackages): Plugin {
  const modules = path.join(packages.root, 'node_modules');
  const installed = new Set(
    readdirSync(modules).flatMap((entry) =>
      entry.startsWith('@') ? readdirSync(path.join(modules, entry)).map((name) => `${entry}/${name}`) : [entry]
    )
  );
  return {
    name: 'grafana-release',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        const name = packageName(args.path);
        if (args.pluginData === 'release' || !installed.has(name) || NOT_FROM_RELEASE.test(name)) {
          return undefined;
        }
        const isReact = name === 'react' || name === 'react-dom';
        if (!isReact && args.importer.startsWith(packages.root)) {
          return undefined;
        }
        const resolved = await pluginBuild.resolve(args.path, {
          resolveDir: packages.root,
          kind: args.kind,
          pluginData: 'release',
        });
        return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
      });
    },
  };
}

/**
 * Grafana 11's published ESM (`dist/esm/*.mjs`) takes default imports of CommonJS modules that set `__esModule`
 * (`import useMeasure from 'react-use/lib/useMeasure'`). Bundled with Node's rules for .mjs, the default is the
 * whole `exports` object and the call fails; Grafana's own build compiles the same source with the usual interop,
 * where the default is `exports.default`. This shim gives those imports that interop, as Grafana runs them.
 */
const CJS_WITH_ES_DEFAULT = /^(react-use|rc-picker)\/lib\//;
const esModuleInterop: Plugin = {
  name: 'es-module-interop',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: CJS_WITH_ES_DEFAULT }, (args) =>
      args.importer.endsWith('.mjs')
        ? { path: args.path, namespace: 'es-module-interop', pluginData: args.resolveDir }
        : undefined
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'es-module-interop' }, (args) => ({
      contents: `export { default } from '${args.path}';\nexport * from '${args.path}';\n`,
      resolveDir: args.pluginData as string,
      loader: 'js',
    }));
  },
};

/**
 * `@grafana/plugin-compat` (a dependency of @grafana/scenes 9) imports host APIs that newer Grafana releases add
 * (`getDataSourceInstance`, …) and checks at run time whether they exist. In a plugin, @grafana/runtime is an
 * external and an absent name is simply undefined; bundled into the host, esbuild rejects the ESM build's import of a
 * missing export. Its CommonJS build reads the same names as properties, undefined when absent, as in a plugin; its
 * own requires still get the ESM builds everyone else imports, so the page keeps one @grafana/runtime.
 */
const pluginCompatAsCommonJs: Plugin = {
  name: 'plugin-compat-as-commonjs',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@grafana\/plugin-compat\// }, async (args) => {
      // Only imports written in files: resolutions asked for by this or another plugin come without an importer.
      if (args.pluginData === 'commonjs' || !args.importer) {
        return undefined;
      }
      const resolved = await pluginBuild.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: 'require-call',
        pluginData: 'commonjs',
      });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
    });
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'commonjs' || !/[\\/]@grafana[\\/]plugin-compat[\\/]/.test(args.importer)) {
        return undefined;
      }
      const resolved = await pluginBuild.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: 'import-statement',
        pluginData: 'commonjs',
      });
      return resolved.errors.length > 0 ? { errors: resolved.errors } : { path: resolved.path };
    });
  },
};

/**
 * @grafana/scenes 8 (the one Grafana 11.6 accepts) imports panel option types as
 * `@grafana/schema/dist/esm/raw/composable/<panel>/panelcfg/x/<Panel>PanelCfg_types.gen`, without an extension, as the
 * @grafana/schema it was built with allowed; 11.6's schema maps `./dist/*` to the file itself, which is `….gen.js`.
 * A plugin would bundle its own newer schema; here such an import gets the extension of the file that is there.
 */
const schemaPathsWithoutExtension: Plugin = {
  name: 'schema-paths-without-extension',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@grafana\/schema\/dist\/.*\.gen$/ }, async (args) => {
      // Only scenes' own imports: the resolutions asked for below (and by other plugins) come back without an importer.
      if (!args.importer.includes('@grafana/scenes')) {
        return undefined;
      }
      const options = { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'with-extension' };
      for (const candidate of [args.path, `${args.path}.js`, `${args.path}.mjs`]) {
        const resolved = await pluginBuild.resolve(candidate, options);
        if (resolved.errors.length === 0) {
          return { path: resolved.path };
        }
      }
      return undefined;
    });
  },
};

/**
 * Builds into a fresh temporary folder and returns it (main.js, main.css, editor.worker.js, fonts), with the
 * packages of `packages` (by default the repository's node_modules).
 */
export async function buildPageBundle(packages: GrafanaPackages = { version: '', root: REPO_ROOT }): Promise<string> {
  const modules = path.join(packages.root, 'node_modules');
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
      plugins:
        packages.root === REPO_ROOT
          ? [oneReactRouter, esModuleInterop, pluginCompatAsCommonJs]
          : [
              fromRelease(packages),
              oneReactRouter,
              esModuleInterop,
              pluginCompatAsCommonJs,
              schemaPathsWithoutExtension,
            ],
      // what Grafana keeps internal and sets at start-up (app/tsconfig.json maps the same name to its types)
      alias: {
        'grafana-runtime-internal/PluginPage': path.join(
          modules,
          '@grafana/runtime/dist/esm/components/PluginPage.mjs'
        ),
      },
    }),
    build({
      ...common,
      entryPoints: {
        // the worker of the Monaco that this release's @grafana/ui runs
        'editor.worker': [modules, path.join(REPO_ROOT, 'node_modules')]
          .map((dir) => path.join(dir, 'monaco-editor/esm/vs/editor/editor.worker.js'))
          .find((file) => existsSync(file))!,
      },
      outdir,
      format: 'iife',
    }),
  ]);
  return outdir;
}
