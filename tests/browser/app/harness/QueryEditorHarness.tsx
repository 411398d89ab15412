/**
 * A panel's query row as Grafana shows it: the plugin's query editor (its `components.QueryEditor`, from
 * dist/datasource/module.js) for query A, then what the query returns.
 */
import React, { useCallback, useEffect, useRef, useState } from 'react';
import { CoreApp, type DataFrame } from '@grafana/data';
import { Box, Stack, Text } from '@grafana/ui';
import { lastValueFrom } from 'rxjs';

import type { LedgerDataSource } from '../../../../src/datasource/LedgerDataSource';
import type { LedgerQuery } from '../../../../src/datasource/types';
import { FramesView } from './FramesView';
import { harnessTimeRange, panelRequest } from './panelRequest';
import { useHostDatasource } from './useHostDatasource';

const APPS: Record<string, CoreApp> = {
  dashboard: CoreApp.Dashboard,
  explore: CoreApp.Explore,
  'unified-alerting': CoreApp.UnifiedAlerting,
};

function initialQuery(datasource: LedgerDataSource, app: CoreApp): LedgerQuery {
  const saved = new URLSearchParams(window.location.search).get('query');
  return saved ? (JSON.parse(saved) as LedgerQuery) : { refId: 'A', ...datasource.getDefaultQuery(app) };
}

function Harness({ datasource, app }: { datasource: LedgerDataSource; app: CoreApp }) {
  const [query, setQuery] = useState<LedgerQuery>(() => initialQuery(datasource, app));
  const [result, setResult] = useState<{ frames: DataFrame[]; error?: string; loading: boolean; runs: number }>({
    frames: [],
    loading: true,
    runs: 0,
  });
  const latest = useRef(query);
  const QueryEditor = datasource.components!.QueryEditor!;
  const [timeRange] = useState(harnessTimeRange);

  const run = useCallback(async () => {
    const target = latest.current;
    if (!datasource.filterQuery(target)) {
      setResult((previous) => ({ frames: [], loading: false, error: 'Nothing to run yet', runs: previous.runs + 1 }));
      return;
    }
    setResult((previous) => ({ ...previous, loading: true }));
    const response = await lastValueFrom(
      datasource.query(panelRequest([target], { app, minInterval: datasource.interval }))
    );
    setResult((previous) => ({
      frames: response.data as DataFrame[],
      error: response.errors?.[0]?.message ?? response.error?.message,
      loading: false,
      runs: previous.runs + 1,
    }));
  }, [datasource, app]);

  useEffect(() => {
    // A panel runs its queries once it is on screen.
    const timer = setTimeout(run);
    return () => clearTimeout(timer);
  }, [run]);

  return (
    <Stack direction="column" gap={2}>
      <Box padding={2} backgroundColor="primary" borderColor="weak" borderStyle="solid">
        <Stack direction="column" gap={1}>
          <Text weight="medium">A ({datasource.name})</Text>
          <QueryEditor
            datasource={datasource}
            query={query}
            app={app}
            range={timeRange}
            onChange={(next) => {
              latest.current = next;
              setQuery(next);
            }}
            onRunQuery={() => setTimeout(run)}
          />
        </Stack>
      </Box>
      <Box padding={2} backgroundColor="primary" borderColor="weak" borderStyle="solid">
        <FramesView {...result} />
      </Box>
      <pre data-testid="harness-query" style={{ display: 'none' }}>
        {JSON.stringify(query)}
      </pre>
    </Stack>
  );
}

/** /harness/query-editor?app=dashboard|explore|unified-alerting[&query=<saved query JSON>] */
export function QueryEditorHarness() {
  const datasource = useHostDatasource();
  const app = APPS[new URLSearchParams(window.location.search).get('app') ?? 'dashboard'] ?? CoreApp.Dashboard;
  return (
    <Box padding={3} data-testid="harness">
      <Stack direction="column" gap={2}>
        <Text element="h2">Query editor ({app})</Text>
        {datasource && <Harness datasource={datasource} app={app} />}
      </Stack>
    </Box>
  );
}
