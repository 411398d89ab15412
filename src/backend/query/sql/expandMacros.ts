/**
 * Raw SQL → the statement we run: macros expanded (only in code, never in comments, string literals, quoted
 * identifiers or dollar-quoted bodies), variables substituted (in code and in string literals), and the checks
 * that give a clear error before PostgreSQL does: one statement only, no `$1` parameters, no write (readOnlyChecks.ts).
 */
import { QueryError } from '../../errors';
import { findMacro, MACROS, VARIABLES, type MacroContext, type TimeGroup } from './macroCatalog';
import { statementMode } from './readOnlyChecks';
import { isTrivia, tokenize, type Token } from './sqlLexer';

/** The expanded statement. */
export interface ExpandedSql {
  sql: string;
  /** The `$__timeGroup`s found, in order (their fill drives time series filling). */
  timeGroups: TimeGroup[];
  /** How to run it: through a cursor (SELECT …), or directly (EXPLAIN, SHOW). */
  mode: 'cursor' | 'direct';
}

const VARIABLE_PATTERN = /\$(__interval_ms|__interval|__from|__to)(?![A-Za-z0-9_])/g;

function variableValue(name: string, ctx: MacroContext): string | undefined {
  return VARIABLES.find((variable) => variable.name === name)?.value(ctx);
}

// Collects a macro's arguments: tokens from `open` (a "(") to its matching ")", split at top-level commas.
function readArguments(tokens: readonly Token[], open: number, macro: string): { args: string[]; end: number } {
  const args: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'punct' && token.text === '(') {
      depth++;
      if (depth === 1) {
        continue;
      }
    } else if (token.type === 'punct' && token.text === ')') {
      depth--;
      if (depth === 0) {
        args.push(current.trim());
        return { args: args.length === 1 && args[0] === '' ? [] : args, end: i };
      }
    } else if (token.type === 'punct' && token.text === ',' && depth === 1) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += token.type === 'comment' ? ' ' : token.text;
  }
  throw QueryError.badQuery(`[macro] $${macro}( is never closed — add the missing ")"`);
}

function expandTokens(tokens: readonly Token[], ctx: MacroContext, groups: TimeGroup[]): string {
  let out = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type === 'string') {
      out += token.text.replace(VARIABLE_PATTERN, (whole, name: string) => variableValue(name, ctx) ?? whole);
      continue;
    }
    if (token.type === 'param') {
      throw QueryError.badQuery(
        `[sql] positional parameters such as ${token.text} are not supported — use macros ($__timeFilter, …) or dashboard variables`
      );
    }
    if (token.type !== 'macro') {
      out += token.text;
      continue;
    }
    const name = token.text.slice(1);
    const variable = variableValue(name, ctx);
    if (variable !== undefined) {
      // In code, $__interval becomes a quoted literal ('1m'), usable as `'1m'::interval` or `interval '1m'`.
      out += name === '__interval' ? `'${variable}'` : variable;
      continue;
    }
    const macro = findMacro(name);
    if (!macro) {
      const known = [...MACROS.map((m) => `$${m.name}`), ...VARIABLES.map((v) => `$${v.name}`)].join(', ');
      throw QueryError.badQuery(`[macro] unknown macro ${token.text.slice(0, 60)} — known macros: ${known}`);
    }
    const next = tokens[i + 1];
    let args: string[] = [];
    if (next?.type === 'punct' && next.text === '(') {
      const read = readArguments(tokens, i + 1, name);
      args = read.args.map((arg) => expandTokens(tokenize(arg), ctx, groups).trim());
      i = read.end;
    }
    if (!macro.args.includes(args.length)) {
      throw QueryError.badQuery(
        `[macro] ${macro.signature.split('(')[0]} takes ${describeArity(macro.args)}: ${macro.signature}`
      );
    }
    if (args.some((arg) => arg === '')) {
      throw QueryError.badQuery(`[macro] an argument of ${macro.signature.split('(')[0]} is empty: ${macro.signature}`);
    }
    out += macro.expand(args, ctx, groups);
  }
  return out;
}

function describeArity(counts: readonly number[]): string {
  const words = counts.map((n) => (n === 0 ? 'no arguments' : n === 1 ? '1 argument' : `${n} arguments`));
  return words.join(' or ');
}

// Drops a final ";" (and trivia after it); any other top-level ";" means a second statement.
function singleStatement(tokens: Token[]): Token[] {
  const code = tokens.map((token, index) => ({ token, index })).filter(({ token }) => !isTrivia(token));
  const semicolons = code.filter(({ token }) => token.type === 'punct' && token.text === ';');
  if (semicolons.length === 0) {
    return tokens;
  }
  const last = code[code.length - 1]!;
  const extra = semicolons.filter(({ index }) => index !== last.index);
  if (extra.length > 0 || last.token.text !== ';') {
    throw QueryError.badQuery(
      '[sql] the query has more than one statement — run one statement per query (remove the ";" between them)'
    );
  }
  return tokens.filter((_, index) => index !== last.index);
}

/** The statement's first keyword, upper-cased (skipping comments and opening parentheses). */
export function leadingKeyword(tokens: readonly Token[]): string | undefined {
  const first = tokens.find((token) => !isTrivia(token) && !(token.type === 'punct' && token.text === '('));
  return first?.type === 'word' ? first.text.toUpperCase() : first?.text;
}

/** Expands and checks a raw SQL query; throws QueryError (400) with what to change. */
export function expandMacros(rawSql: string, ctx: MacroContext): ExpandedSql {
  if (rawSql.includes('\u0000')) {
    // The wire protocol ends statement text at NUL; PostgreSQL would see a broken message, not the query.
    throw QueryError.badQuery('[sql] the query contains a NUL character (\\u0000) — remove it');
  }
  const tokens = singleStatement(tokenize(rawSql));
  const keyword = leadingKeyword(tokens);
  if (keyword === undefined) {
    throw QueryError.badQuery('[sql] the query has no statement (only comments) — write a SELECT');
  }
  const mode = statementMode(tokens, keyword);
  const timeGroups: TimeGroup[] = [];
  const sql = expandTokens(tokens, ctx, timeGroups).trim();
  return { sql, timeGroups, mode };
}
