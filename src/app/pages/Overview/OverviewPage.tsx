import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Grid, Stack, Text, TextLink } from '@grafana/ui';

import { OVERVIEW_REFRESH_MS, prefixRoute, ROUTES } from '../../../constants';
import { testIds } from '../../../testIds';
import { DatasourceGate } from '../../components/DatasourceGate';
import { DatasourceHealth } from './DatasourceHealth';
import { OpenJobForm } from './OpenJobForm';
import { OVERVIEW_TILES } from './overviewTiles';
import { StatTile } from './StatTile';

/** The health of the stack at a glance: datasource, workers, queue, failures and spend, refreshed every 30 s. */
export function OverviewPage() {
  return (
    <PluginPage subTitle="The AI coding team's jobs, workers and spend, straight from the ledger.">
      <div data-testid={testIds.overview.page}>
        <DatasourceGate>
          {(datasource) => (
            <Stack direction="column" gap={3}>
              <DatasourceHealth datasource={datasource} />
              <Grid gap={2} minColumnWidth={34}>
                {OVERVIEW_TILES.map((tile) => (
                  <StatTile key={tile.id} tile={tile} datasource={datasource} />
                ))}
              </Grid>
              <Text variant="bodySmall" color="secondary">
                Figures refresh every {OVERVIEW_REFRESH_MS / 1000} seconds. When one needs attention it links to its
                runbook; all runbooks are under{' '}
                <TextLink href={prefixRoute(ROUTES.runbooks)} inline variant="bodySmall">
                  Runbooks
                </TextLink>
                .
              </Text>
              <Stack direction="column" gap={1}>
                <Text element="h3">Open a job</Text>
                <OpenJobForm />
              </Stack>
            </Stack>
          )}
        </DatasourceGate>
      </div>
    </PluginPage>
  );
}
