import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Stack, Text, Tooltip, useStyles2 } from '@grafana/ui';

import type { MetricDescriptor } from '../../../contract/metrics';
import { testIds } from '../../../testIds';
import { summarizeQuery } from '../../query/querySummary';
import type { LedgerQuery } from '../../types';

interface Props {
  query: LedgerQuery;
  catalog?: readonly MetricDescriptor[];
  /** `builtin`: the backend did not answer with its catalog, the editor uses its own copy. */
  notice?: 'builtin';
}

/** The readable one-line preview of what will be queried. */
export function QuerySummary({ query, catalog = [], notice }: Props) {
  const styles = useStyles2(getStyles);
  return (
    <Stack direction="row" gap={1} alignItems="center">
      <div className={styles.summary} data-testid={testIds.queryEditor.summary}>
        {summarizeQuery(query, catalog)}
      </div>
      {notice === 'builtin' && (
        <Tooltip content="The datasource did not return its metrics catalog; showing the catalog built into the plugin.">
          <span data-testid={testIds.queryEditor.catalogNotice}>
            <Text variant="bodySmall" color="warning">
              <Icon name="exclamation-triangle" size="sm" /> built-in catalog
            </Text>
          </span>
        </Tooltip>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    padding: theme.spacing(0.5, 1),
    background: theme.colors.background.secondary,
    borderRadius: theme.shape.radius.default,
  }),
});
