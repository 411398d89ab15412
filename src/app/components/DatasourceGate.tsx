import React from 'react';
import { Alert, LinkButton, LoadingPlaceholder } from '@grafana/ui';

import { PLUGIN_ID } from '../../constants';
import type { LedgerDataSource } from '../../datasource/LedgerDataSource';
import { testIds } from '../../testIds';
import { useLedgerDatasource } from '../data/useLedgerDatasource';

interface Props {
  children: (datasource: LedgerDataSource) => React.ReactNode;
}

/** Renders its children with the app's Ledger datasource, or says why there is none and how to fix it. */
export function DatasourceGate({ children }: Props) {
  const state = useLedgerDatasource();
  switch (state.status) {
    case 'loading':
      return <LoadingPlaceholder text="Loading the Ledger datasource…" />;
    case 'missing':
      return (
        <Alert severity="info" title="No Ledger datasource yet" data-testid={testIds.overview.noDatasource}>
          Add a datasource of type Ledger (Connections → Data sources), then choose it on the app&apos;s configuration
          page.
          <div>
            <LinkButton variant="secondary" size="sm" href={`/plugins/${PLUGIN_ID}`}>
              Configuration
            </LinkButton>
          </div>
        </Alert>
      );
    case 'error':
      return (
        <Alert severity="error" title="Ledger datasource unavailable">
          {state.message}
        </Alert>
      );
    case 'ready':
      return <>{children(state.datasource)}</>;
  }
}
