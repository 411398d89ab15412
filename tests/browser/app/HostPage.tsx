/**
 * Grafana's page chrome for plugin pages, as the host shows it: breadcrumb, title, subtitle, then the page. Grafana
 * sets its own component with setPluginPage at start-up; so does the host.
 */
import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import type { PluginPageProps } from '@grafana/runtime';
import { Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { useLocation } from 'react-router-dom';

import { hostConfig } from './hostConfig';
// Grafana's setter is internal to @grafana/runtime: buildPageBundle.ts maps this name to its file (same module).
import * as runtimePluginPage from 'grafana-runtime-internal/PluginPage';

/** The nav title Grafana would show for an app path: the name of the (built) plugin.json page it falls under. */
function navTitle(pathname: string): string {
  const appManifest = hostConfig().app;
  const page = (appManifest.includes ?? [])
    .filter((include) => include.type === 'page' && include.path)
    .map((include) => ({ name: include.name, path: include.path!.replace('%PLUGIN_ID%', appManifest.id) }))
    .find((include) => pathname === include.path || pathname.startsWith(`${include.path}/`));
  return page?.name ?? appManifest.name;
}

function HostPluginPage({ pageNav, subTitle, actions, children }: PluginPageProps) {
  const styles = useStyles2(getStyles);
  const location = useLocation();
  const section = navTitle(location.pathname);
  const title = pageNav?.text ?? section;
  const parent = pageNav?.parentItem;
  const description = subTitle ?? pageNav?.subTitle;
  const appName = hostConfig().app.name;
  return (
    <div className={styles.page}>
      <Stack direction="column" gap={1}>
        <Text variant="bodySmall" color="secondary">
          {appName} /{' '}
          {parent ? (
            <TextLink href={parent.url ?? '#'} inline>
              {parent.text}
            </TextLink>
          ) : (
            section
          )}
          {pageNav && ` / ${pageNav.text}`}
        </Text>
        <Stack direction="row" justifyContent="space-between" alignItems="center">
          <Text element="h1">{title}</Text>
          {actions}
        </Stack>
        {description !== undefined && description !== null && <Text color="secondary">{description}</Text>}
      </Stack>
      <div className={styles.body}>{children}</div>
    </div>
  );
}

/**
 * Installs the host's page chrome. Grafana 11's published @grafana/runtime has no setter (Grafana sets it from its
 * source tree): there, plugin pages render without the host's chrome, as `PluginPage`'s published default.
 */
export function installHostPluginPage(): void {
  const { setPluginPage } = runtimePluginPage as { setPluginPage?: (page: typeof HostPluginPage) => void };
  setPluginPage?.(HostPluginPage);
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(3, 4), background: theme.colors.background.canvas, minHeight: '100vh' }),
  body: css({ marginTop: theme.spacing(3) }),
});
