import { useEffect, useState } from 'react';

import type { JobDetailResponse } from '../../../contract/resources';
import type { LedgerDataSource } from '../../../datasource/LedgerDataSource';
import { fetchJob } from '../../../datasource/resources/ledgerResources';

/** State of the `jobs/<id>` resource call. */
export type JobDetailState =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; detail: JobDetailResponse };

/** Loads one job's state, totals and conversation. */
export function useJobDetail(datasource: LedgerDataSource, jobId: string): JobDetailState {
  const [loaded, setLoaded] = useState<{ jobId: string; state: JobDetailState }>();
  useEffect(() => {
    let cancelled = false;
    const settle = (state: JobDetailState) => !cancelled && setLoaded({ jobId, state });
    fetchJob(datasource, jobId)
      .then((detail) => settle({ status: 'ready', detail }))
      .catch((error: unknown) =>
        settle({ status: 'error', message: error instanceof Error ? error.message : String(error) })
      );
    return () => {
      cancelled = true;
    };
  }, [datasource, jobId]);
  return loaded?.jobId === jobId ? loaded.state : { status: 'loading' };
}
