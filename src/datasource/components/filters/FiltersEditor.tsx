import React, { useMemo } from 'react';
import { Button, Combobox, IconButton, MultiCombobox, Stack, Text, type ComboboxOption } from '@grafana/ui';

import { FILTER_OPERATORS, type Dimension, type Filter, type FilterOperator } from '../../../contract/query';
import { testIds } from '../../../testIds';
import {
  addFilter,
  isListOperator,
  removeFilter,
  setFilterKey,
  setFilterOperator,
  setFilterValue,
} from './editFilters';

const OPERATOR_OPTIONS: Array<ComboboxOption<FilterOperator>> = FILTER_OPERATORS.map((operator) => ({
  value: operator,
  label: operator,
  description: {
    '=': 'equals',
    '!=': 'is not',
    '=~': 'matches regex',
    '!~': 'does not match regex',
    in: 'one of',
    'not in': 'none of',
  }[operator],
}));

interface Props {
  filters: readonly Filter[];
  /** Dimensions that may be filtered (the metric's, or every dimension for logs and variables). */
  dimensions: readonly Dimension[];
  onChange: (filters: Filter[]) => void;
  /** Loads value suggestions for a dimension; typed values are always accepted too. */
  loadOptions: (dimension: Dimension) => (search: string) => Promise<Array<ComboboxOption<string>>>;
  /** False when the backend cannot suggest values (the inputs still take typed values). */
  suggestionsAvailable: boolean;
}

/** Key / operator / value rows with value suggestions from the backend. */
export function FiltersEditor({ filters: saved, dimensions, onChange, loadOptions, suggestionsAvailable }: Props) {
  const ids = testIds.filters;
  // A saved query may hold anything here; the backend names a wrong one, the editor shows no rows for it.
  const filters: readonly Filter[] = Array.isArray(saved) ? saved : [];
  const keyOptions = useMemo(
    () => dimensions.map((dimension) => ({ value: dimension, label: dimension })),
    [dimensions]
  );
  return (
    <Stack direction="column" gap={1} data-testid={ids.container}>
      {filters.map((filter, index) => (
        <Stack key={index} direction="row" gap={1} alignItems="center" data-testid={ids.row}>
          <Combobox<Dimension>
            data-testid={ids.key}
            aria-label={`Filter ${index + 1} dimension`}
            width="auto"
            minWidth={12}
            options={keyOptions}
            value={filter.key}
            onChange={(option) => onChange(setFilterKey(filters, index, option.value))}
          />
          <Combobox<FilterOperator>
            data-testid={ids.operator}
            aria-label={`Filter ${index + 1} operator`}
            width="auto"
            minWidth={8}
            options={OPERATOR_OPTIONS}
            value={filter.operator}
            onChange={(option) => onChange(setFilterOperator(filters, index, option.value))}
          />
          {isListOperator(filter.operator) ? (
            <MultiCombobox<string>
              key={`${filter.key}-list`}
              data-testid={ids.value}
              aria-label={`Filter ${index + 1} values`}
              width="auto"
              minWidth={20}
              maxWidth={60}
              createCustomValue
              placeholder="Values"
              options={loadOptions(filter.key)}
              value={(Array.isArray(filter.value) ? filter.value : [filter.value]).map((value) => ({
                value,
                label: value,
              }))}
              onChange={(options) =>
                onChange(
                  setFilterValue(
                    filters,
                    index,
                    options.map((option) => option.value)
                  )
                )
              }
            />
          ) : (
            <Combobox<string>
              key={`${filter.key}-single`}
              data-testid={ids.value}
              aria-label={`Filter ${index + 1} value`}
              width="auto"
              minWidth={20}
              maxWidth={60}
              createCustomValue
              placeholder={filter.operator.includes('~') ? 'Regular expression' : 'Value'}
              options={loadOptions(filter.key)}
              value={
                typeof filter.value === 'string' && filter.value !== ''
                  ? { value: filter.value, label: filter.value }
                  : null
              }
              onChange={(option) => onChange(setFilterValue(filters, index, option.value))}
            />
          )}
          <IconButton
            name="times"
            data-testid={ids.remove}
            tooltip="Remove filter"
            aria-label={`Remove filter ${index + 1}`}
            onClick={() => onChange(removeFilter(filters, index))}
          />
        </Stack>
      ))}
      <Stack direction="row" gap={1} alignItems="center">
        <Button
          icon="plus"
          size="sm"
          variant="secondary"
          fill="outline"
          data-testid={ids.add}
          disabled={dimensions.length === 0}
          tooltip={dimensions.length === 0 ? 'This metric has no dimensions to filter by' : undefined}
          onClick={() => onChange(addFilter(filters, dimensions))}
        >
          Filter
        </Button>
        {!suggestionsAvailable && filters.length > 0 && (
          <Text variant="bodySmall" color="secondary" data-testid={ids.suggestionsUnavailable}>
            Value suggestions are unavailable; type values.
          </Text>
        )}
      </Stack>
    </Stack>
  );
}
