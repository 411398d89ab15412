import React, { useEffect, useState } from 'react';
import { Alert, Spinner } from '@grafana/ui';

import { OVERVIEW_REFRESH_MS } from '../../../constants';
import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import { testIds } from '../../../testIds';

interface Health {
  status: string;
  message: string;
}

/** The datasource's health check (/api/datasources/uid/<uid>/health), in the backend's own words. */
export function DatasourceHealth({ datasource }: { datasource: LedgerDataSource }) {
  const [health, setHealth] = useState<Health | undefined>();
  useEffect(() => {
    let cancelled = false;
    const check = () =>
      datasource
        .callHealthCheck()
        .then(
          (result) =>
            !cancelled &&
            setHealth({
              status: String(result?.status ?? 'ERROR'),
              message: String(result?.message ?? 'No answer from the health check'),
            })
        )
        .catch(
          (error: unknown) =>
            !cancelled &&
            setHealth({ status: 'ERROR', message: error instanceof Error ? error.message : String(error) })
        );
    check();
    const timer = setInterval(check, OVERVIEW_REFRESH_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [datasource]);

  if (!health) {
    return (
      <div data-testid={testIds.overview.health}>
        <Spinner inline /> Checking {datasource.name}…
      </div>
    );
  }
  const ok = health.status === 'OK';
  return (
    <div data-testid={testIds.overview.health} data-status={health.status}>
      <Alert
        severity={ok ? 'success' : 'error'}
        title={ok ? `${datasource.name} is healthy` : `${datasource.name} has a problem`}
      >
        {health.message}
      </Alert>
    </div>
  );
}
