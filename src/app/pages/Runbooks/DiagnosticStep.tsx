import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, ClipboardButton, Stack, Text, useStyles2 } from '@grafana/ui';

import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import { testIds } from '../../../testIds';
import { QueryResultTable } from '../../components/QueryResultTable';
import { runLedgerQuery, type QueryResult } from '../../data/runLedgerQuery';
import type { RunbookStep } from '../../runbooks';

const HOUR_MS = 3_600_000;

interface Props {
  step: RunbookStep;
  index: number;
  datasource: LedgerDataSource | undefined;
}

/** One diagnosis step: its explanation, its SQL, and a Run button that shows the result as a table. */
export function DiagnosticStep({ step, index, datasource }: Props) {
  const styles = useStyles2(getStyles);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<QueryResult | undefined>();
  const query = step.query;

  const run = async () => {
    if (!datasource || !query) {
      return;
    }
    setRunning(true);
    try {
      // The SQL states its own window (now() - interval …); the request range only feeds macros if any are used.
      const now = Date.now();
      const refId = `step${index}`;
      setResult(
        await runLedgerQuery(datasource, [{ refId, queryType: 'sql', rawSql: query.sql, sqlFormat: 'table' }], {
          from: now - 24 * HOUR_MS,
          to: now,
        })
      );
    } catch (error) {
      setResult({ frames: [], error: error instanceof Error ? error.message : String(error) });
    } finally {
      setRunning(false);
    }
  };

  return (
    <li className={styles.step} data-testid={testIds.runbooks.step}>
      <Stack direction="column" gap={1}>
        <Text element="h4">{step.title}</Text>
        <Text>{step.text}</Text>
        {query && (
          <>
            <pre className={styles.sql}>{query.sql}</pre>
            <Stack direction="row" gap={1}>
              <Button
                size="sm"
                icon={running ? 'spinner' : 'play'}
                disabled={!datasource || running}
                onClick={run}
                data-testid={testIds.runbooks.runQuery}
                tooltip={datasource ? 'Runs read-only through the Ledger datasource' : 'Needs a Ledger datasource'}
              >
                Run query
              </Button>
              <ClipboardButton size="sm" variant="secondary" icon="copy" getText={() => query.sql}>
                Copy SQL
              </ClipboardButton>
            </Stack>
            {query.readingHint && (
              <Text variant="bodySmall" color="secondary">
                Reading it: {query.readingHint}
              </Text>
            )}
            {result?.error && (
              <Alert severity="error" title="The query failed" data-testid={testIds.runbooks.resultError}>
                {result.error}
              </Alert>
            )}
            {result && !result.error && (
              <div data-testid={testIds.runbooks.result}>
                {result.frames.length > 0 ? (
                  <QueryResultTable frame={result.frames[0]} />
                ) : (
                  <Text color="secondary">No result.</Text>
                )}
              </div>
            )}
          </>
        )}
      </Stack>
    </li>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  step: css({ marginBottom: theme.spacing(3) }),
  sql: css({
    margin: 0,
    padding: theme.spacing(1, 1.5),
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.canvas,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    whiteSpace: 'pre-wrap',
  }),
});
