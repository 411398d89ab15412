/**
 * The test host: a Node HTTP server standing in for Grafana. It serves the host page for every app and harness
 * route, the built plugin from dist/ at Grafana's paths (public/plugins/<id>/…, from which the page loads
 * module.js with SystemJS), Grafana's icons and fonts, and the Grafana APIs the frontend calls, answered by the
 * real plugin executable (grafanaApi.ts). Unknown API calls are 404 and recorded, so tests can assert there were
 * none. It refuses to start without the built modules and plugin.json files.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { REPO_ROOT, type PluginUnderTest } from '../../support/pluginProcess';
import { datasourceFor, settingsViewOf, updateDatasource, type StoredDatasource } from './datasourceStore';
import type { DsQueryHop } from './dsQueryHop';
import { callResource, checkHealth, queryData, type ApiAnswer } from './grafanaApi';
import { pageHtml, type AppSettings, type PageSource, type PluginManifest } from './pageHtml';

/** A running host. */
export interface TestHost {
  url: string;
  /** API calls the host could not answer (method and path). */
  unknownCalls: string[];
  /** Requests to the Grafana APIs, in order (method and path), for tests that check what the frontend asked. */
  apiCalls: string[];
  /** The plugin files the page fetched from dist/ (paths relative to dist/), in order. */
  servedPluginFiles: string[];
  /** Puts the datasource back to its initial settings. */
  resetDatasource(): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Where Grafana serves each plugin of the build from: the app at dist/, the nested datasource at dist/datasource/. */
const PLUGIN_DIRS: Record<string, string> = {
  'aicodeteam-ledger-app': '',
  'aicodeteam-ledger-datasource': 'datasource',
};

/** The built files the host needs, or an error naming the missing ones. */
function readBuiltPlugin(distDir: string): { appManifest: PluginManifest; datasourceManifest: PluginManifest } {
  const required = ['module.js', 'plugin.json', 'datasource/module.js', 'datasource/plugin.json'];
  const missing = required.filter((file) => !existsSync(path.join(distDir, file)));
  if (missing.length > 0) {
    throw new Error(
      `the test host loads the built plugin, but ${missing.map((f) => `dist/${f}`).join(', ')} is missing: run npm run build:frontend`
    );
  }
  const read = (file: string) => JSON.parse(readFileSync(path.join(distDir, file), 'utf8')) as PluginManifest;
  return { appManifest: read('plugin.json'), datasourceManifest: read('datasource/plugin.json') };
}

// Grafana's web fonts are not in node_modules; the system's Inter (Debian fonts-inter) and DejaVu Sans Mono stand in
// when installed.
const FONT_FILES: Array<[RegExp, string]> = [
  [/inter\/Inter-MediumItalic/, '/usr/share/fonts/opentype/inter/Inter-MediumItalic.otf'],
  [/inter\/Inter-Medium/, '/usr/share/fonts/opentype/inter/Inter-Medium.otf'],
  [/inter\/Inter-Italic/, '/usr/share/fonts/opentype/inter/Inter-Italic.otf'],
  [/inter\/Inter-/, '/usr/share/fonts/opentype/inter/Inter-Regular.otf'],
  [/roboto\//, '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf'],
];

const SPINNER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path d="M12 2a10 10 0 1 0 10 10h-2a8 8 0 1 1-8-8z"/></svg>';

function sendFile(res: ServerResponse, file: string): void {
  if (!existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'max-age=3600',
  });
  res.end(readFileSync(file));
}

function sendAnswer(res: ServerResponse, answer: ApiAnswer): void {
  if (Buffer.isBuffer(answer.body)) {
    res.writeHead(answer.status, { 'Content-Type': answer.contentType ?? 'application/octet-stream' }).end(answer.body);
    return;
  }
  res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body));
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** Starts the host on a free loopback port. */
export async function startTestHost(options: {
  plugin: PluginUnderTest;
  /** Answers /api/ds/query with Grafana's Go SDK. */
  dsQuery: DsQueryHop;
  databaseUrl: string;
  bundleDir: string;
  /** The Grafana release whose packages the bundle was built with. */
  grafanaVersion: string;
  /** The built plugin (default: the repository's dist/). */
  distDir?: string;
}): Promise<TestHost> {
  const { plugin, dsQuery, bundleDir } = options;
  const distDir = options.distDir ?? path.join(REPO_ROOT, 'dist');
  const pageSource: PageSource = { ...readBuiltPlugin(distDir), grafanaVersion: options.grafanaVersion };
  const servedPluginFiles: string[] = [];
  let datasource: StoredDatasource = datasourceFor(options.databaseUrl);
  let app: AppSettings = { enabled: true, pinned: true, jsonData: {} };
  const unknownCalls: string[] = [];
  const apiCalls: string[] = [];
  const datasourcePrefix = `/api/datasources/uid/${datasource.uid}`;

  const api = async (req: IncomingMessage, url: URL): Promise<ApiAnswer> => {
    const method = req.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    apiCalls.push(route);
    if (route === 'POST /api/ds/query') {
      return queryData(plugin, dsQuery, datasource, await readJson(req));
    }
    if (method === 'GET' && url.pathname.startsWith(`${datasourcePrefix}/resources/`)) {
      return callResource(plugin, datasource, url.pathname.slice(`${datasourcePrefix}/resources/`.length), url.search);
    }
    if (route === `GET ${datasourcePrefix}/health`) {
      return checkHealth(plugin, datasource);
    }
    if (route === `GET ${datasourcePrefix}`) {
      return { status: 200, body: settingsViewOf(datasource) };
    }
    if (route === `PUT ${datasourcePrefix}`) {
      datasource = updateDatasource(datasource, await readJson(req));
      return { status: 200, body: { message: 'Datasource updated', datasource: settingsViewOf(datasource) } };
    }
    if (route === 'GET /api/plugins/aicodeteam-ledger-app/settings') {
      return { status: 200, body: { id: 'aicodeteam-ledger-app', ...app } };
    }
    if (route === 'POST /api/plugins/aicodeteam-ledger-app/settings') {
      const update = await readJson(req);
      app = {
        enabled: update.enabled ?? app.enabled,
        pinned: update.pinned ?? app.pinned,
        jsonData: update.jsonData ?? app.jsonData,
      };
      return { status: 200, body: { message: 'Plugin settings updated' } };
    }
    unknownCalls.push(route);
    return { status: 404, body: { message: `the test host does not implement ${route}` } };
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const { pathname } = url;
    if (pathname.startsWith('/api/')) {
      api(req, url)
        .then((answer) => sendAnswer(res, answer))
        .catch((error: unknown) => sendAnswer(res, { status: 500, body: { message: `test host: ${String(error)}` } }));
      return;
    }
    if (pathname.startsWith('/assets/')) {
      return sendFile(res, path.join(bundleDir, path.basename(pathname)));
    }
    if (pathname === '/public/build/img/icons/unicons/spinner.svg') {
      // Grafana's build adds this icon; @grafana/ui's npm package does not carry it.
      res.writeHead(200, { 'Content-Type': 'image/svg+xml' }).end(SPINNER_SVG);
      return;
    }
    if (pathname.startsWith('/public/build/img/icons/')) {
      return sendFile(
        res,
        path.join(
          REPO_ROOT,
          'node_modules/@grafana/ui/dist/public/img/icons',
          pathname.slice('/public/build/img/icons/'.length).replace(/\.\./g, '')
        )
      );
    }
    if (pathname.startsWith('/public/fonts/')) {
      const font = FONT_FILES.find(([pattern, file]) => pattern.test(pathname) && existsSync(file));
      // Without the system font the page falls back to the next family, as Grafana would; a 404 would log an error.
      return font ? sendFile(res, font[1]) : res.writeHead(204).end();
    }
    if (pathname.startsWith('/public/plugins/')) {
      const [id = '', ...rest] = pathname.slice('/public/plugins/'.length).split('/');
      const dir = PLUGIN_DIRS[id];
      const file = path.posix.normalize(path.posix.join(dir ?? '', ...rest));
      if (dir === undefined || file.startsWith('..')) {
        res.writeHead(404).end();
        return;
      }
      servedPluginFiles.push(file);
      return sendFile(res, path.join(distDir, file));
    }
    if (pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const theme = url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
    res
      .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
      .end(pageHtml(theme, datasource, app, pageSource));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    unknownCalls,
    apiCalls,
    servedPluginFiles,
    resetDatasource: () => {
      datasource = datasourceFor(options.databaseUrl);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
