import React from 'react';
import type { TimeRange } from '@grafana/data';
import { InlineField, InlineFieldRow } from '@grafana/ui';

import type { Dimension, Filter } from '../../../contract/query';
import type { ResourceClient } from '../../resources/ledgerResources';
import { FiltersEditor } from './FiltersEditor';
import { useDimensionSuggestions } from './useDimensionSuggestions';

interface Props {
  filters: readonly Filter[];
  /** Dimensions that may be filtered. */
  dimensions: readonly Dimension[];
  onChange: (filters: Filter[]) => void;
  /** Where value suggestions come from, and for which time range (the panel's; else the last day). */
  client: ResourceClient;
  range: TimeRange | undefined;
  labelWidth: number;
  tooltip?: string;
  disabled?: boolean;
}

/** The "Filters" row every editor has: key / operator / value rows with value suggestions from the backend. */
export function FiltersField({ client, range, labelWidth, tooltip, disabled, ...editor }: Props) {
  const suggestions = useDimensionSuggestions(client, range);
  return (
    <InlineFieldRow>
      <InlineField label="Filters" labelWidth={labelWidth} tooltip={tooltip} disabled={disabled}>
        <FiltersEditor {...editor} loadOptions={suggestions.loadOptions} suggestionsAvailable={suggestions.available} />
      </InlineField>
    </InlineFieldRow>
  );
}
