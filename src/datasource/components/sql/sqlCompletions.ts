/**
 * What the SQL editor suggests at the cursor, as a pure function of the text before it: columns after
 * `table.` or `alias.`, macros and template variables after `$`, otherwise keywords, tables and the columns of the
 * tables the query mentions.
 */
import type { SqlSchemaResponse } from '../../../contract/resources';
import type { SqlMacro } from './sqlMacros';

/** One suggestion. `snippet` marks Monaco snippet syntax in insertText. */
export interface SqlCompletion {
  label: string;
  kind: 'column' | 'table' | 'macro' | 'variable' | 'keyword';
  insertText: string;
  detail?: string;
  documentation?: string;
  snippet?: boolean;
}

/** The suggestions, and how many characters before the cursor they replace. */
export interface SqlCompletionResult {
  items: SqlCompletion[];
  replaceLength: number;
}

export type SqlTable = SqlSchemaResponse['tables'][number];

/** What completions are drawn from. */
export interface SqlCompletionSource {
  tables: readonly SqlTable[];
  macros: readonly SqlMacro[];
  /** Template variable names, without `$`. */
  variables: readonly string[];
}

export const SQL_KEYWORDS = [
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'IS NULL',
  'IS NOT NULL',
  'AS',
  'JOIN',
  'LEFT JOIN',
  'ON',
  'GROUP BY',
  'ORDER BY',
  'HAVING',
  'LIMIT',
  'DESC',
  'ASC',
  'DISTINCT',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'coalesce',
  'date_trunc',
  'now()',
  'interval',
  'percentile_cont(0.95) WITHIN GROUP (ORDER BY ',
  'filter (where ',
];

const RESERVED = new Set([
  'where',
  'on',
  'join',
  'left',
  'right',
  'inner',
  'group',
  'order',
  'limit',
  'using',
  'natural',
  'cross',
  'full',
]);

/** Aliases and names of the tables a query mentions: `FROM jobs j JOIN ledger_events AS e` → {j: jobs, jobs: jobs, e: …}. */
export function tablesInQuery(text: string, tables: readonly SqlTable[]): Map<string, SqlTable> {
  const byName = new Map(tables.map((table) => [table.name.toLowerCase(), table]));
  const found = new Map<string, SqlTable>();
  const pattern = /\b(?:from|join)\s+([a-z_][\w.]*)(?:\s+(?:as\s+)?([a-z_]\w*))?/gi;
  for (const match of text.matchAll(pattern)) {
    const name = (match[1] ?? '').toLowerCase().replace(/^public\./, '');
    const table = byName.get(name);
    if (!table) {
      continue;
    }
    found.set(name, table);
    const alias = match[2]?.toLowerCase();
    if (alias && !RESERVED.has(alias)) {
      found.set(alias, table);
    }
  }
  return found;
}

function columnItems(table: SqlTable): SqlCompletion[] {
  return table.columns.map((column) => ({
    label: column.name,
    kind: 'column',
    insertText: column.name,
    detail: `${table.name}.${column.name} ${column.type}`,
    documentation: column.description,
  }));
}

function macroItems(macros: readonly SqlMacro[]): SqlCompletion[] {
  return macros.map((macro) => {
    const hasArgs = macro.signature.includes('(');
    const argument = /\(([^)]*)\)/.exec(macro.signature)?.[1] ?? '';
    // Snippet syntax: `$` must be escaped, the first argument becomes a tab stop.
    const insertText = hasArgs
      ? `${macro.name.replace(/\$/g, '\\$')}(${argument ? `\${1:${argument.split(',')[0]!.trim()}}` : ''})`
      : macro.name.replace(/\$/g, '\\$');
    return {
      label: macro.name,
      kind: 'macro',
      insertText,
      detail: macro.signature,
      documentation: macro.description,
      snippet: true,
    };
  });
}

/** Suggestions for the text before the cursor. */
export function sqlCompletions(textBeforeCursor: string, source: SqlCompletionSource): SqlCompletionResult {
  const qualified = /([a-z_]\w*)\.(\w*)$/i.exec(textBeforeCursor);
  if (qualified) {
    const table =
      tablesInQuery(textBeforeCursor, source.tables).get(qualified[1]!.toLowerCase()) ??
      source.tables.find((t) => t.name.toLowerCase() === qualified[1]!.toLowerCase());
    return { items: table ? columnItems(table) : [], replaceLength: qualified[2]!.length };
  }
  const dollar = /\$\{?(\w*)$/.exec(textBeforeCursor);
  if (dollar) {
    const variables: SqlCompletion[] = source.variables.map((name) => ({
      label: `$${name}`,
      kind: 'variable',
      insertText: `\\$${name}`,
      detail: 'template variable',
      snippet: true,
    }));
    return { items: [...macroItems(source.macros), ...variables], replaceLength: dollar[0].length };
  }
  const word = /(\w*)$/.exec(textBeforeCursor)?.[1] ?? '';
  const mentioned = [...new Set(tablesInQuery(textBeforeCursor, source.tables).values())];
  const columns = (mentioned.length > 0 ? mentioned : source.tables).flatMap(columnItems);
  const tables: SqlCompletion[] = source.tables.map((table) => ({
    label: table.name,
    kind: 'table',
    insertText: table.name,
    detail: 'table',
    documentation: table.description,
  }));
  const keywords: SqlCompletion[] = SQL_KEYWORDS.map((keyword) => ({
    label: keyword,
    kind: 'keyword',
    insertText: keyword,
  }));
  return { items: [...columns, ...tables, ...macroItems(source.macros), ...keywords], replaceLength: word.length };
}
