import React, { useMemo } from 'react';
import { Combobox, type ComboboxOption } from '@grafana/ui';

import type { MetricDescriptor } from '../../../contract/metrics';
import { testIds } from '../../../testIds';
import type { MetricsCatalog } from '../../resources/ledgerResources';

interface Props {
  catalog: MetricsCatalog;
  value: string | undefined;
  onChange: (metric: MetricDescriptor) => void;
  loading: boolean;
}

/** Metric options grouped by area, in the catalog's area order, each with its id, unit and meaning. */
export function metricOptions(catalog: MetricsCatalog): Array<ComboboxOption<string>> {
  const order = new Map(catalog.areas.map((area, index) => [area, index]));
  return [...catalog.metrics]
    .sort((a, b) => (order.get(a.area) ?? 99) - (order.get(b.area) ?? 99))
    .map((metric) => ({
      value: metric.id,
      label: metric.title,
      group: metric.area,
      description: `${metric.id} · ${metric.unit} — ${metric.description}`,
    }));
}

/** The metric picker of the builder. */
export function MetricPicker({ catalog, value, onChange, loading }: Props) {
  const options = useMemo(() => metricOptions(catalog), [catalog]);
  const known = catalog.metrics.find((metric) => metric.id === value);
  return (
    <Combobox<string>
      id="ledger-metric"
      data-testid={testIds.queryEditor.metric}
      width={36}
      loading={loading}
      placeholder="Choose a metric"
      options={options}
      value={known ? value : value ? { value, label: value } : null}
      onChange={(option) => {
        const metric = catalog.metrics.find((m) => m.id === option.value);
        if (metric) {
          onChange(metric);
        }
      }}
    />
  );
}
