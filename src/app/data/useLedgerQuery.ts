import { useEffect, useState } from 'react';

import type { LedgerDataSource } from '../../datasource/LedgerDataSource';
import type { LedgerQuery } from '../../datasource/types';
import { watchLedgerQuery, type QueryResult, type TimeWindow } from './runLedgerQuery';

/** State of one query on a page. */
export interface LedgerQueryState extends Partial<QueryResult> {
  loading: boolean;
}

/**
 * Runs a query when its inputs change (compared by value) and, with `refreshMs`, again on that period with the
 * window moved to "now". Live queries update on every packet in between. `timeWindow` is a function so a refresh
 * can ask for a new one.
 */
export function useLedgerQuery(
  datasource: LedgerDataSource | undefined,
  targets: LedgerQuery[] | undefined,
  timeWindow: () => TimeWindow,
  refreshMs?: number
): LedgerQueryState {
  const [state, setState] = useState<LedgerQueryState>({ loading: Boolean(targets) });
  const key = JSON.stringify(targets);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!refreshMs) {
      return;
    }
    const timer = setInterval(() => setTick((t) => t + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);

  useEffect(() => {
    if (!datasource || !key) {
      return;
    }
    setState((previous) => ({ ...previous, loading: true }));
    // Live queries answer again on every Grafana Live packet; the subscription ends when the inputs change.
    const subscription = watchLedgerQuery(datasource, JSON.parse(key) as LedgerQuery[], timeWindow(), (result) =>
      setState({ ...result, loading: false })
    );
    return () => subscription.unsubscribe();
    // `timeWindow` is read on each run on purpose; the query reruns when the targets or the refresh tick change
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, key, tick]);
  return state;
}
