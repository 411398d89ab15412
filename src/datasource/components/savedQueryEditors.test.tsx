import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import { CoreApp } from '@grafana/data';
import { setTemplateSrv, type TemplateSrv } from '@grafana/runtime';

import { QUERY_MODEL_VERSION } from '../../contract/query';
import { testIds } from '../../testIds';
import type { LedgerDataSource } from '../LedgerDataSource';
import type { LedgerQuery } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';
import { QueryEditor } from './QueryEditor';
import { VariableQueryEditor } from './VariableQueryEditor';

/** A datasource whose resource routes are unavailable: the editors fall back to the built-in catalog. */
const datasource = {
  getResource: () => Promise.reject(new Error('no backend in unit tests')),
} as unknown as LedgerDataSource;

/** Every field of the model null, as dashboards written by tools and the HTTP API store unset fields. */
const NULLS = {
  version: null,
  metric: null,
  aggregation: null,
  groupBy: null,
  filters: null,
  format: null,
  live: null,
  legend: null,
  search: null,
  limit: null,
  traceId: null,
  rawSql: null,
  sqlFormat: null,
  dimension: null,
  annotationSources: null,
};
const GRAFANA_KEYS = {
  refId: 'A',
  datasource: { type: 'aicodeteam-ledger-datasource', uid: 'ledger-dev' },
  hide: false,
};

function saved(fields: Record<string, unknown>): LedgerQuery {
  return { ...GRAFANA_KEYS, ...NULLS, ...fields } as unknown as LedgerQuery;
}

function renderQueryEditor(query: LedgerQuery) {
  const onChange = jest.fn();
  const view = render(
    <QueryEditor
      query={query}
      datasource={datasource}
      onChange={onChange}
      onRunQuery={jest.fn()}
      app={CoreApp.Dashboard}
    />
  );
  return { onChange, view };
}

/** Nothing on screen reads "null": no text and no input value. */
function expectNoNullShown(container: HTMLElement) {
  expect(container.textContent).not.toMatch(/\bnull\b/);
  for (const input of Array.from(container.querySelectorAll('input, textarea'))) {
    expect((input as HTMLInputElement).value).not.toBe('null');
  }
}

beforeAll(() => {
  // Grafana's comboboxes size themselves with a canvas, which jsdom lacks (the scaffold stubs it with nothing).
  HTMLCanvasElement.prototype.getContext = (() => ({
    font: '',
    measureText: (text: string) => ({ width: text.length * 7 }),
  })) as unknown as HTMLCanvasElement['getContext'];
  setTemplateSrv({ getVariables: () => [], replace: (text?: string) => text ?? '' } as unknown as TemplateSrv);
});

describe('query editors opening saved queries with null fields', () => {
  it.each([
    ['metrics', { metric: 'job.completed' }],
    ['logs', {}],
    ['traces', { traceId: 'job-42' }],
    ['sql', { rawSql: 'SELECT 1' }],
  ])('%s: shows the query with the nulls unset and stores it without them', async (queryType, fields) => {
    const query = saved({ queryType, ...fields });
    const { onChange, view } = renderQueryEditor(query);
    expect(screen.getByTestId(testIds.queryEditor.container)).toBeInTheDocument();
    expectNoNullShown(view.container);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    const stored = onChange.mock.calls[0]![0] as Record<string, unknown>;
    expect(stored).toEqual({ ...GRAFANA_KEYS, queryType, ...fields, version: QUERY_MODEL_VERSION });
  });

  it('reads the legend and limit fields as empty, not "null"', () => {
    renderQueryEditor(saved({ queryType: 'metrics', metric: 'job.completed' }));
    expect(screen.getByTestId(testIds.queryEditor.legend)).toHaveValue('');
  });

  it('reads a limit saved as a string as that number', async () => {
    const { onChange } = renderQueryEditor(saved({ queryType: 'logs', limit: '250' }));
    expect(screen.getByTestId(testIds.queryEditor.logsLimit)).toHaveValue(250);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(expect.objectContaining({ limit: 250 })));
  });

  it('shows filters whose operator or value is null as incomplete rows', () => {
    const query = saved({
      queryType: 'logs',
      filters: [
        { key: 'mode', operator: null, value: 'genius' },
        { key: 'worker', operator: 'in', value: null },
      ],
    });
    const { view } = renderQueryEditor(query);
    expect(screen.getAllByTestId(testIds.filters.row)).toHaveLength(2);
    expectNoNullShown(view.container);
  });

  it('leaves a current query as it is', () => {
    const current = { refId: 'A', version: QUERY_MODEL_VERSION, queryType: 'metrics', metric: 'job.completed' };
    const { onChange } = renderQueryEditor(current as LedgerQuery);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('variable editor: starts a null dimension on "mode" and stores no nulls', async () => {
    const onChange = jest.fn();
    const { container } = render(
      <VariableQueryEditor
        query={saved({ queryType: 'variables' })}
        datasource={datasource}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expectNoNullShown(container);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    const stored = onChange.mock.calls[0]![0] as Record<string, unknown>;
    expect(Object.values(stored)).not.toContain(null);
    expect(stored).toMatchObject({ queryType: 'variables', dimension: 'mode', filters: [] });
  });

  it('annotation editor: null sources mean every source', () => {
    const { container } = render(
      <AnnotationQueryEditor
        query={saved({ queryType: 'annotations' })}
        datasource={datasource}
        onChange={jest.fn()}
        onRunQuery={jest.fn()}
      />
    );
    expectNoNullShown(container);
    const boxes = screen.getByTestId(testIds.annotationEditor.sources).querySelectorAll('input[type="checkbox"]');
    expect(boxes.length).toBeGreaterThan(0);
    boxes.forEach((box) => expect(box).toBeChecked());
  });
});
