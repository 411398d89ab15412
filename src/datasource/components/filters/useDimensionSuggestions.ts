import { useCallback, useMemo, useState } from 'react';
import type { TimeRange } from '@grafana/data';
import type { ComboboxOption } from '@grafana/ui';

import { DIMENSIONS, type Dimension } from '../../../contract/query';
import { fetchDimensionValues, type ResourceClient } from '../../resources/ledgerResources';

const DAY_MS = 86_400_000;

/** The time range to look values up in: the panel's, else the last 24 hours. */
export function suggestionRange(range: TimeRange | undefined, now = Date.now()): { from: number; to: number } {
  return range ? { from: range.from.valueOf(), to: range.to.valueOf() } : { from: now - DAY_MS, to: now };
}

/**
 * Value suggestions for filters, from the backend's `dimensions/<d>/values` route. When the route is missing or
 * fails, `available` turns false and the value inputs simply take what is typed.
 */
export function useDimensionSuggestions(client: ResourceClient, range: TimeRange | undefined) {
  const [available, setAvailable] = useState(true);
  const { from, to } = suggestionRange(range);
  // Coarse keys (whole minutes) so a relative range ("last 1h") does not change on every render.
  const fromKey = Math.floor(from / 60_000);
  const toKey = Math.floor(to / 60_000);
  const bounds = useMemo(() => ({ from: fromKey * 60_000, to: (toKey + 1) * 60_000 }), [fromKey, toKey]);

  // One loader per dimension for as long as the range holds: Combobox reloads when its options function changes,
  // so a new function on every render would ask the backend again and again.
  const loaders = useMemo(
    () =>
      Object.fromEntries(
        DIMENSIONS.map((dimension) => [
          dimension,
          async (search: string): Promise<Array<ComboboxOption<string>>> => {
            const result = await fetchDimensionValues(client, dimension, bounds, search);
            setAvailable(result.available);
            return result.values.map((value) => ({ label: value, value }));
          },
        ])
      ) as Record<Dimension, (search: string) => Promise<Array<ComboboxOption<string>>>>,
    [client, bounds]
  );
  const loadOptions = useCallback((dimension: Dimension) => loaders[dimension], [loaders]);
  return { loadOptions, available };
}
