import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, Stack, Text, TextLink, useStyles2 } from '@grafana/ui';
import { useParams } from 'react-router-dom';

import { prefixRoute, ROUTES, runbookUrl } from '../../../constants';
import { testIds } from '../../../testIds';
import { useLedgerDatasource } from '../../data/useLedgerDatasource';
import { findRunbook } from '../../runbooks';
import { DiagnosticStep } from './DiagnosticStep';
import { RemediationList } from './RemediationList';

/** One runbook: symptoms, diagnosis with runnable queries, remediation. */
export function RunbookPage() {
  const styles = useStyles2(getStyles);
  const { runbookId } = useParams<{ runbookId: string }>();
  const runbook = findRunbook(runbookId);
  const state = useLedgerDatasource();
  const datasource = state.status === 'ready' ? state.datasource : undefined;

  if (!runbook) {
    return (
      <PluginPage pageNav={{ text: 'Runbook not found' }}>
        <Alert severity="warning" title={`No runbook "${runbookId ?? ''}"`} data-testid={testIds.runbooks.notFound}>
          See the{' '}
          <TextLink href={prefixRoute(ROUTES.runbooks)} inline>
            list of runbooks
          </TextLink>
          .
        </Alert>
      </PluginPage>
    );
  }
  return (
    <PluginPage
      pageNav={{
        text: runbook.title,
        parentItem: { text: 'Runbooks', url: prefixRoute(ROUTES.runbooks) },
      }}
    >
      <div data-testid={testIds.runbooks.page} className={styles.page}>
        <Stack direction="column" gap={3}>
          <Stack direction="row" gap={1} alignItems="center">
            <Badge text={runbook.severity} color={runbook.severity === 'critical' ? 'red' : 'orange'} />
            <Text color="secondary">Alert: {runbook.alert}</Text>
          </Stack>
          <Text element="p">{runbook.summary}</Text>
          {state.status !== 'ready' && state.status !== 'loading' && (
            <Alert severity="info" title="Queries cannot run here">
              {state.status === 'error'
                ? state.message
                : 'No Ledger datasource is configured; copy the SQL into psql instead.'}
            </Alert>
          )}
          <section>
            <Text element="h3">Symptoms</Text>
            <ul className={styles.list}>
              {runbook.symptoms.map((symptom) => (
                <li key={symptom}>{symptom}</li>
              ))}
            </ul>
          </section>
          <section>
            <Text element="h3">Diagnosis</Text>
            <ol className={styles.list}>
              {runbook.diagnosis.map((step, index) => (
                <DiagnosticStep key={step.title} step={step} index={index} datasource={datasource} />
              ))}
            </ol>
          </section>
          <section>
            <Text element="h3">Remediation</Text>
            <RemediationList steps={runbook.remediation} />
          </section>
          {runbook.related && runbook.related.length > 0 && (
            <Text color="secondary">
              Related:{' '}
              {runbook.related.map((id, index) => (
                <React.Fragment key={id}>
                  {index > 0 && ', '}
                  <TextLink href={runbookUrl(id)} inline>
                    {findRunbook(id)?.title ?? id}
                  </TextLink>
                </React.Fragment>
              ))}
            </Text>
          )}
        </Stack>
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ maxWidth: 1100 }),
  list: css({ paddingLeft: theme.spacing(3), marginTop: theme.spacing(1) }),
});
