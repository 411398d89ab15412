import React from 'react';
import { Input } from '@grafana/ui';

import type { LedgerQuery } from '../../types';

interface Props {
  query: LedgerQuery;
  /** Largest limit the backend accepts for this query type; a larger typed number is clamped to it. */
  max: number;
  /** What the backend uses when the query has no limit (shown as the placeholder). */
  fallback: number;
  testId: string;
  onChange: (query: LedgerQuery, run?: boolean) => void;
}

/** The `limit` of a logs or jobs query: a positive integer, stored as typed, run on blur. */
export function LimitInput({ query, max, fallback, testId, onChange }: Props) {
  return (
    <Input
      data-testid={testId}
      type="number"
      width={12}
      min={1}
      max={max}
      placeholder={String(fallback)}
      value={query.limit ?? ''}
      onChange={(event) => {
        const limit = Number(event.currentTarget.value);
        onChange({ ...query, limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, max) : undefined });
      }}
      onBlur={() => onChange(query, true)}
    />
  );
}
