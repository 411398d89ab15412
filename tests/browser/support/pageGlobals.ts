/**
 * The browser globals that functions passed to page.evaluate / waitForFunction read. These files compile for Node
 * (no DOM library), and such functions run in the page: they reach the globals as `(globalThis as PageGlobals)`.
 */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}

/** What the page loaded from dist/ (tests/browser/app/main.tsx `LoadedPlugins`). */
export interface LoadedPlugins {
  grafanaVersion: string;
  modules: Array<{ id: string; url: string; sharedImports: string[] }>;
  appIsHostAppPlugin: boolean;
  datasourceIsHostDataSourcePlugin: boolean;
  datasourceIsHostDataSourceApi: boolean;
  datasourceIsHostDataSourceWithBackend: boolean;
}

/** What the test host's page offers to test code. */
export interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    fonts: { ready: Promise<unknown> };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): { length: number };
  };
  __ledgerHost: { navigate(path: string): void; setTheme(theme: 'light' | 'dark'): void; plugins: LoadedPlugins };
  fetch(url: string): Promise<{ json(): Promise<unknown> }>;
}
