import React, { useMemo } from 'react';
import { dateTimeFormat, FieldType, type DataFrame } from '@grafana/data';
import { InteractiveTable, Text, TextLink, type Column } from '@grafana/ui';

import { jobUrl } from '../../constants';
import { fieldValues } from '../data/frameValues';

type Row = { id: string } & Record<string, unknown>;

// Long cells (JSON payloads, tags) are cut so one cell cannot take over the table.
const MAX_CELL_CHARS = 120;

// Columns holding a job id link to the job's page.
const JOB_COLUMNS = new Set(['job_id', 'current_job_id']);

function formatCell(value: unknown, type: FieldType): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (type === FieldType.time && (typeof value === 'number' || typeof value === 'string')) {
    return dateTimeFormat(value, { format: 'YYYY-MM-DD HH:mm:ss' });
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, '');
  }
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** A SQL result frame as a table; job ids link to the job page. */
export function QueryResultTable({ frame, pageSize = 10 }: { frame: DataFrame; pageSize?: number }) {
  const { columns, rows } = useMemo(() => {
    const values = frame.fields.map((field) => fieldValues(field));
    const columns: Array<Column<Row>> = frame.fields.map((field, index) => ({
      id: `c${index}`,
      header: field.name,
      cell: ({ value }: { value: unknown }) => {
        const text = formatCell(value, field.type);
        return JOB_COLUMNS.has(field.name) && text ? (
          <TextLink href={jobUrl(text)} inline={false}>
            {text}
          </TextLink>
        ) : (
          text
        );
      },
    }));
    const rows: Row[] = Array.from({ length: frame.length }, (_, row) => {
      const cells: Row = { id: String(row) };
      values.forEach((column, index) => (cells[`c${index}`] = column[row]));
      return cells;
    });
    return { columns, rows };
  }, [frame]);
  if (rows.length === 0) {
    return <Text color="secondary">No rows: nothing matches right now.</Text>;
  }
  return <InteractiveTable columns={columns} data={rows} getRowId={(row) => row.id} pageSize={pageSize} />;
}
