import React from 'react';
import { formattedValueToString, getValueFormat } from '@grafana/data';
import { Box, Icon, Spinner, Stack, Text, TextLink, Tooltip } from '@grafana/ui';

import { findMetric } from '../../../contract/metrics';
import { OVERVIEW_REFRESH_MS, runbookUrl } from '../../../constants';
import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import { testIds } from '../../../testIds';
import { instantValue } from '../../data/frameValues';
import { useLedgerQuery } from '../../data/useLedgerQuery';
import { tileQuery, type OverviewTile } from './overviewTiles';

interface Props {
  tile: OverviewTile;
  datasource: LedgerDataSource;
}

/** Formats a value in a Grafana unit: `0.25` in `percentunit` → "25.0%". */
export function formatValue(value: number, unit: string): string {
  return formattedValueToString(getValueFormat(unit)(value, unit === 'short' ? 0 : undefined));
}

/** One live figure. Its query fails alone: the other tiles keep working. */
export function StatTile({ tile, datasource }: Props) {
  const known = Boolean(findMetric(tile.metric));
  const state = useLedgerQuery(
    datasource,
    known ? [tileQuery(tile)] : undefined,
    () => tile.range(Date.now()),
    OVERVIEW_REFRESH_MS
  );
  const value = state.frames ? instantValue(state.frames, tile.combine) : undefined;
  const alerting = value !== undefined && tile.alert?.when(value);

  let body: React.ReactNode;
  if (!known) {
    body = <Text color="secondary">Not in this datasource&apos;s catalog</Text>;
  } else if (state.error) {
    body = (
      <Tooltip content={state.error}>
        <Text color="error">
          <Icon name="exclamation-triangle" /> Query failed
        </Text>
      </Tooltip>
    );
  } else if (state.loading && !state.frames) {
    body = <Spinner />;
  } else {
    body = (
      <Text element="p" variant="h1" color={alerting ? 'error' : 'primary'}>
        {value === undefined ? '–' : formatValue(value, tile.unit)}
      </Text>
    );
  }

  return (
    <Box
      backgroundColor="primary"
      borderColor={alerting ? 'error' : 'weak'}
      borderStyle="solid"
      padding={2}
      minWidth={25}
      flex={1}
      data-testid={testIds.overview.tile}
    >
      <Stack direction="column" gap={1}>
        <Stack direction="row" justifyContent="space-between" alignItems="center">
          <Text weight="medium">{tile.title}</Text>
          {state.loading && state.frames && <Spinner size="sm" />}
        </Stack>
        <div data-tile={tile.id} data-state={state.error ? 'error' : state.loading ? 'loading' : 'done'}>
          {body}
        </div>
        <Text variant="bodySmall" color="secondary">
          {tile.window}
        </Text>
        {alerting && tile.alert && (
          <TextLink href={runbookUrl(tile.alert.runbook)} icon="book" variant="bodySmall">
            {tile.alert.text}: open the runbook
          </TextLink>
        )}
      </Stack>
    </Box>
  );
}
