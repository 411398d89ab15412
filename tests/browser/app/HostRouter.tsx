/**
 * Routing as Grafana provides it to plugins: react-router v6 over Grafana's location service history, and in-app
 * links (`<a href="/a/...">`) followed without a page load, the way Grafana intercepts link clicks.
 */
import React, { useEffect, useState } from 'react';
import { locationService } from '@grafana/runtime';
import { Router, type Navigator } from 'react-router-dom';

function interceptLinkClicks(event: MouseEvent): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = (event.target as HTMLElement | null)?.closest('a');
  const href = anchor?.getAttribute('href');
  if (!anchor || !href || anchor.target === '_blank' || !href.startsWith('/') || href.startsWith('//')) {
    return;
  }
  event.preventDefault();
  locationService.push(href);
}

/** Router bound to Grafana's history. */
export function HostRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useEffect(() => history.listen((next: typeof history.location) => setLocation(next)), [history]);
  useEffect(() => {
    document.addEventListener('click', interceptLinkClicks);
    return () => document.removeEventListener('click', interceptLinkClicks);
  }, []);
  // Tests wait for this attribute to know that a navigation has been rendered.
  useEffect(() => {
    document.body.dataset.hostLocation = `${location.pathname}${location.search}`;
  }, [location]);
  return (
    <Router location={location} navigator={history as unknown as Navigator}>
      {children}
    </Router>
  );
}
