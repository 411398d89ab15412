/**
 * `@grafana/scenes` creates an IntersectionObserver when it loads (for its LazyLoader), which jsdom does not have;
 * Grafana's own Jest setup stubs it the same way. Browsers have one, so this does nothing there. Import it before
 * `@grafana/scenes`.
 */
if (typeof globalThis.IntersectionObserver === 'undefined') {
  globalThis.IntersectionObserver = class {
    readonly root = null;
    readonly rootMargin = '';
    readonly thresholds = [];
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  } as unknown as typeof IntersectionObserver;
}

export {};
