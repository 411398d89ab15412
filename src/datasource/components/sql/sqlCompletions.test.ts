import { SQL_MACROS } from './sqlMacros';
import { sqlCompletions, tablesInQuery, type SqlCompletionSource } from './sqlCompletions';

const source: SqlCompletionSource = {
  tables: [
    {
      name: 'jobs',
      columns: [
        { name: 'id', type: 'text' },
        { name: 'status', type: 'text' },
      ],
    },
    {
      name: 'ledger_events',
      columns: [
        { name: 'occurred_at', type: 'timestamptz' },
        { name: 'kind', type: 'text' },
      ],
    },
  ],
  macros: SQL_MACROS,
  variables: ['mode'],
};

const labels = (text: string) => sqlCompletions(text, source).items.map((item) => item.label);

describe('sqlCompletions', () => {
  it('completes the columns of a table after "table."', () => {
    expect(labels('SELECT jobs.')).toEqual(['id', 'status']);
    expect(sqlCompletions('SELECT jobs.st', source).replaceLength).toBe(2);
  });

  it('completes the columns of an aliased table', () => {
    expect(labels('SELECT e.kind FROM ledger_events e WHERE e.')).toEqual(['occurred_at', 'kind']);
  });

  it('completes macros and template variables after $', () => {
    const result = sqlCompletions('WHERE $__ti', source);
    expect(result.replaceLength).toBe(5);
    expect(result.items.map((item) => item.label)).toEqual(
      expect.arrayContaining(['$__timeFilter', '$__timeGroupAlias', '$mode'])
    );
    const timeFilter = result.items.find((item) => item.label === '$__timeFilter');
    expect(timeFilter?.insertText).toBe('\\$__timeFilter(${1:column})');
  });

  it('offers the columns of the tables the query reads, then tables and keywords', () => {
    const items = labels('SELECT  FROM jobs WHERE st');
    expect(items.slice(0, 2)).toEqual(['id', 'status']);
    expect(items).toEqual(expect.arrayContaining(['jobs', 'ledger_events', 'SELECT', 'GROUP BY']));
    expect(items).not.toContain('occurred_at');
  });

  it('finds tables and aliases in a query', () => {
    const found = tablesInQuery('SELECT * FROM public.jobs AS j JOIN ledger_events ON true', source.tables);
    expect([...found.keys()]).toEqual(['jobs', 'j', 'ledger_events']);
  });
});
