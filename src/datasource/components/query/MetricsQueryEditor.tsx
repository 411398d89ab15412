import React, { useMemo } from 'react';
import type { SelectableValue } from '@grafana/data';
import {
  Combobox,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  MultiCombobox,
  RadioButtonGroup,
  Stack,
  Text,
} from '@grafana/ui';

import { QUERY_LIMITS, type Dimension, type Format } from '../../../contract/query';
import { testIds } from '../../../testIds';
import { FiltersField } from '../filters/FiltersField';
import { applyMetricChange } from './applyMetricChange';
import { LABEL_WIDTH, type TypeEditorProps } from './editorProps';
import { MetricPicker } from './MetricPicker';
import { QuerySummary } from './QuerySummary';
import { useMetricsCatalog } from './useMetricsCatalog';

const FORMAT_LABELS: Record<Format, string> = { timeseries: 'Time series', table: 'Table', instant: 'Instant' };

/** The metrics builder: metric, aggregation, group-by, filters, format, live and legend, with a preview line. */
export function MetricsQueryEditor({ query, datasource, range, onChange, compact, alerting }: TypeEditorProps) {
  const ids = testIds.queryEditor;
  const { catalog, loading } = useMetricsCatalog(datasource);
  const metric = catalog.metrics.find((m) => m.id === query.metric);
  const dimensions = useMemo(() => metric?.dimensions ?? [], [metric]);
  // Stable options and values: the comboboxes reset their menus when these change identity.
  const aggregationOptions = useMemo(() => (metric?.aggregations ?? []).map((a) => ({ value: a, label: a })), [metric]);
  const dimensionOptions = useMemo(() => dimensions.map((d) => ({ value: d, label: d })), [dimensions]);
  const groupByKey = JSON.stringify(query.groupBy ?? []);
  const groupBy = useMemo(
    () => (JSON.parse(groupByKey) as Dimension[]).filter((d) => dimensions.includes(d)),
    [groupByKey, dimensions]
  );
  const formats = (metric?.formats ?? ['timeseries', 'table', 'instant']).filter((f) => !(alerting && f === 'table'));
  const formatOptions: Array<SelectableValue<Format>> = formats.map((f) => ({ value: f, label: FORMAT_LABELS[f] }));
  const aggregation = query.aggregation ?? metric?.defaultAggregation;
  const streamable = (query.format ?? 'timeseries') === 'timeseries';

  const metricField = (
    <InlineField label="Metric" labelWidth={LABEL_WIDTH} htmlFor="ledger-metric">
      <MetricPicker
        catalog={catalog}
        loading={loading}
        value={query.metric}
        onChange={(m) => onChange(applyMetricChange(query, m), true)}
      />
    </InlineField>
  );
  const aggregationField = (
    <InlineField label="Aggregation" labelWidth={compact ? 'auto' : LABEL_WIDTH} disabled={!metric}>
      <Combobox
        data-testid={ids.aggregation}
        width="auto"
        minWidth={10}
        options={aggregationOptions}
        value={aggregation ?? null}
        onChange={(option) => onChange({ ...query, aggregation: option.value }, true)}
      />
    </InlineField>
  );
  const groupByField = (
    <InlineField label="Group by" labelWidth={compact ? 'auto' : LABEL_WIDTH} disabled={dimensions.length === 0}>
      <MultiCombobox<Dimension>
        data-testid={ids.groupBy}
        width="auto"
        minWidth={20}
        maxWidth={60}
        placeholder={metric && dimensions.length === 0 ? 'No dimensions' : 'Dimensions'}
        options={dimensionOptions}
        value={groupBy}
        onChange={(options) =>
          onChange({ ...query, groupBy: options.map((o) => o.value).slice(0, QUERY_LIMITS.groupBy) }, true)
        }
      />
    </InlineField>
  );

  return (
    <Stack direction="column" gap={0.5}>
      {compact ? (
        <InlineFieldRow>
          {metricField}
          {aggregationField}
          {groupByField}
        </InlineFieldRow>
      ) : (
        <>
          <InlineFieldRow>
            {metricField}
            {aggregationField}
          </InlineFieldRow>
          {metric && (
            <Text variant="bodySmall" color="secondary" data-testid={ids.metricDescription}>
              {metric.description} Unit: {metric.unit}.
            </Text>
          )}
          <InlineFieldRow>{groupByField}</InlineFieldRow>
        </>
      )}
      <FiltersField
        filters={query.filters ?? []}
        dimensions={dimensions}
        onChange={(filters) => onChange({ ...query, filters }, true)}
        client={datasource}
        range={range}
        labelWidth={LABEL_WIDTH}
        disabled={!metric}
      />
      <InlineFieldRow>
        <InlineField label="Format" labelWidth={LABEL_WIDTH}>
          <div data-testid={ids.format}>
            <RadioButtonGroup<Format>
              options={formatOptions}
              value={query.format ?? 'timeseries'}
              onChange={(format) =>
                onChange({ ...query, format, live: format === 'timeseries' ? query.live : false }, true)
              }
            />
          </div>
        </InlineField>
        {!alerting && (
          <InlineField
            label="Live"
            tooltip="Stream new points as ledger rows arrive (time series only)"
            disabled={!streamable}
          >
            <InlineSwitch
              data-testid={ids.live}
              value={Boolean(query.live) && streamable}
              onChange={(event) => onChange({ ...query, live: event.currentTarget.checked }, true)}
            />
          </InlineField>
        )}
        <InlineField label="Legend" tooltip="Series name; {{dimension}} inserts a label value, e.g. {{mode}}">
          <Input
            data-testid={ids.legend}
            width={24}
            placeholder="Auto"
            value={query.legend ?? ''}
            onChange={(event) => onChange({ ...query, legend: event.currentTarget.value || undefined })}
            onBlur={() => onChange(query, true)}
          />
        </InlineField>
      </InlineFieldRow>
      <QuerySummary
        query={query}
        catalog={catalog.metrics}
        notice={catalog.source === 'builtin' && !loading ? 'builtin' : undefined}
      />
    </Stack>
  );
}
