import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, ClipboardButton, Stack, Text, useStyles2 } from '@grafana/ui';

import type { RemediationStep } from '../../runbooks';

/** Remediation steps; commands that change the ledger are shown for an operator to run, never run from here. */
export function RemediationList({ steps }: { steps: readonly RemediationStep[] }) {
  const styles = useStyles2(getStyles);
  return (
    <ol className={styles.list}>
      {steps.map((step) => (
        <li key={step.title} className={styles.item}>
          <Stack direction="column" gap={1}>
            <Text element="h4">{step.title}</Text>
            <Text>{step.text}</Text>
            {step.command && (
              <Alert severity="warning" title={`Run as a member of ${step.command.runAs}, e.g. in psql`}>
                <Stack direction="column" gap={1}>
                  <pre className={styles.command}>{step.command.sql}</pre>
                  <Text variant="bodySmall">
                    The Ledger datasource is read-only and will refuse it: this changes the ledger (it appends events),
                    so an operator runs it deliberately.
                  </Text>
                  <div>
                    <ClipboardButton size="sm" variant="secondary" icon="copy" getText={() => step.command?.sql ?? ''}>
                      Copy command
                    </ClipboardButton>
                  </div>
                </Stack>
              </Alert>
            )}
          </Stack>
        </li>
      ))}
    </ol>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ paddingLeft: theme.spacing(3) }),
  item: css({ marginBottom: theme.spacing(2) }),
  command: css({ margin: 0, fontFamily: theme.typography.fontFamilyMonospace, whiteSpace: 'pre-wrap' }),
});
