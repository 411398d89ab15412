import { useEffect, useState } from 'react';

import {
  BUILTIN_CATALOG,
  fetchMetricsCatalog,
  type MetricsCatalog,
  type ResourceClient,
} from '../../resources/ledgerResources';

// One request per datasource instance: every query editor of a dashboard shares it.
const catalogs = new WeakMap<ResourceClient, Promise<MetricsCatalog>>();

/** The metrics catalog of a datasource: the built-in copy at first, the backend's once it answered. */
export function useMetricsCatalog(client: ResourceClient): { catalog: MetricsCatalog; loading: boolean } {
  const [state, setState] = useState<{ catalog: MetricsCatalog; loading: boolean }>({
    catalog: BUILTIN_CATALOG,
    loading: true,
  });
  useEffect(() => {
    let cancelled = false;
    let request = catalogs.get(client);
    if (!request) {
      request = fetchMetricsCatalog(client);
      catalogs.set(client, request);
    }
    request.then((catalog) => {
      if (!cancelled) {
        setState({ catalog, loading: false });
      }
    });
    return () => {
      cancelled = true;
    };
  }, [client]);
  return state;
}
