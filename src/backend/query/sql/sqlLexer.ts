/**
 * A PostgreSQL lexer just precise enough for macro expansion: it knows where string literals ('…', E'…' with
 * backslash escapes), quoted identifiers ("…"), dollar-quoted strings ($tag$…$tag$), line comments (--) and
 * nested block comments (/* … *\/) begin and end, so that `$__macro` inside them is never expanded and a `;`
 * inside them never counts as the end of a statement. Everything else is split into words, numbers, punctuation,
 * `$__name` macros and `$1` parameters. Concatenating the tokens' text gives back the input exactly.
 */

/** Kinds of token. */
export type TokenType =
  | 'space'
  | 'word'
  | 'number'
  | 'punct'
  | 'string'
  | 'quotedIdent'
  | 'dollarString'
  | 'comment'
  | 'macro'
  | 'param';

/** One token; `text` is the exact source text. */
export interface Token {
  type: TokenType;
  text: string;
  start: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const SPACE = /\s/;
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;
const MACRO = /^\$__[A-Za-z0-9_]+/;
const PARAM = /^\$\d+/;

// End (exclusive) of a quoted run starting at `start` (the opening quote); `backslash` honours E'…' escapes.
function quotedEnd(sql: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\') {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return sql.length; // unterminated: PostgreSQL reports it; we only must not expand macros inside
}

function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) {
        return i;
      }
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Splits SQL text into tokens. Never throws: unterminated literals and comments run to the end of the text. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, end: number) => {
    tokens.push({ type, text: sql.slice(i, end), start: i });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i]!;
    const rest = sql.slice(i, i + 200);
    if (SPACE.test(c)) {
      let end = i + 1;
      while (end < sql.length && SPACE.test(sql[end]!)) {
        end++;
      }
      push('space', end);
    } else if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (sql.startsWith('/*', i)) {
      push('comment', blockCommentEnd(sql, i));
    } else if (c === "'") {
      push('string', quotedEnd(sql, i, "'", false));
    } else if (c === '"') {
      push('quotedIdent', quotedEnd(sql, i, '"', false));
    } else if ((c === 'e' || c === 'E') && sql[i + 1] === "'") {
      push('string', quotedEnd(sql, i + 1, "'", true));
    } else if (c === '$') {
      const tag = DOLLAR_TAG.exec(rest)?.[0];
      const macro = MACRO.exec(rest)?.[0];
      const param = PARAM.exec(rest)?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        push('dollarString', close === -1 ? sql.length : close + tag.length);
      } else if (macro) {
        push('macro', i + macro.length);
      } else if (param) {
        push('param', i + param.length);
      } else {
        push('punct', i + 1);
      }
    } else if (WORD_START.test(c)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end]!)) {
        end++;
      }
      push('word', end);
    } else if (NUMBER.test(rest)) {
      push('number', i + NUMBER.exec(rest)![0].length);
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

/** True for tokens that are not code (whitespace and comments). */
export function isTrivia(token: Token): boolean {
  return token.type === 'space' || token.type === 'comment';
}
