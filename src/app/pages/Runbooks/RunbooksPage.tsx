import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Badge, Card, Stack } from '@grafana/ui';

import { runbookUrl } from '../../../constants';
import { testIds } from '../../../testIds';
import { RUNBOOKS } from '../../runbooks';

/** Every runbook, one card each, most urgent first. */
export function RunbooksPage() {
  return (
    <PluginPage subTitle="What to do when a Ledger alert fires. Each alert's runbook_url opens its page here.">
      <div data-testid={testIds.runbooks.list}>
        <Stack direction="column" gap={1}>
          {RUNBOOKS.map((runbook) => (
            <Card key={runbook.id} href={runbookUrl(runbook.id)} data-testid={testIds.runbooks.card}>
              <Card.Heading>{runbook.title}</Card.Heading>
              <Card.Meta>{[runbook.alert, `${runbook.diagnosis.length} diagnosis steps`]}</Card.Meta>
              <Card.Description>{runbook.summary}</Card.Description>
              <Card.Tags>
                <Badge text={runbook.severity} color={runbook.severity === 'critical' ? 'red' : 'orange'} />
              </Card.Tags>
            </Card>
          ))}
        </Stack>
      </div>
    </PluginPage>
  );
}
