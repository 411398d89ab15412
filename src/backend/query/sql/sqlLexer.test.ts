import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { tokenize, type TokenType } from './sqlLexer';

const kinds = (sql: string) =>
  tokenize(sql)
    .filter((t) => t.type !== 'space')
    .map((t) => `${t.type}:${t.text}`);

describe('tokenize', () => {
  const cases: Array<{ name: string; sql: string; expected: string[] }> = [
    {
      name: 'words, numbers, punctuation',
      sql: 'SELECT a.b, 1.5e3 FROM t;',
      expected: [
        'word:SELECT',
        'word:a',
        'punct:.',
        'word:b',
        'punct:,',
        'number:1.5e3',
        'word:FROM',
        'word:t',
        'punct:;',
      ],
    },
    {
      name: 'macro and parameter',
      sql: '$__timeFilter(x) = $1',
      expected: ['macro:$__timeFilter', 'punct:(', 'word:x', 'punct:)', 'punct:=', 'param:$1'],
    },
    { name: 'string with doubled quote', sql: "'it''s $__x'", expected: ["string:'it''s $__x'"] },
    { name: 'E-string with backslash escapes', sql: "E'a\\'b' c", expected: ["string:E'a\\'b'", 'word:c'] },
    { name: 'quoted identifier', sql: '"a""$__x"', expected: ['quotedIdent:"a""$__x"'] },
    { name: 'line comment', sql: 'a -- $__x ; b\nc', expected: ['word:a', 'comment:-- $__x ; b', 'word:c'] },
    {
      name: 'nested block comment',
      sql: 'a /* x /* $__y */ ; */ b',
      expected: ['word:a', 'comment:/* x /* $__y */ ; */', 'word:b'],
    },
    {
      name: 'dollar quoting, tagged and not',
      sql: "$$ $__x ; $$ $f$ '$$ $f$",
      expected: ['dollarString:$$ $__x ; $$', "dollarString:$f$ '$$ $f$"],
    },
    { name: 'identifier containing $', sql: 'foo$__bar', expected: ['word:foo$__bar'] },
    { name: 'unterminated string runs to the end', sql: "x 'abc", expected: ['word:x', "string:'abc"] },
    { name: 'unicode identifiers', sql: 'sélect ünï', expected: ['word:sélect', 'word:ünï'] },
  ];
  for (const { name, sql, expected } of cases) {
    it(name, () => assert.deepEqual(kinds(sql), expected));
  }

  it('round-trips any input exactly', () => {
    const inputs = [
      "SELECT 'a' || E'\\n' /* c */ -- d\n FROM \"t\" WHERE $__timeFilter(x); $tag$ body $tag$",
      '',
      '$',
      "'",
      '/*',
      '$__',
      'x\u0000y',
    ];
    for (const sql of inputs) {
      assert.equal(
        tokenize(sql)
          .map((t) => t.text)
          .join(''),
        sql
      );
    }
  });

  it('never treats the inside of literals or comments as code', () => {
    const code = (sql: string) =>
      tokenize(sql).filter((t) => (['macro', 'param'] as TokenType[]).includes(t.type)).length;
    assert.equal(code("'$__a' \"$__b\" -- $__c\n /* $__d */ $q$ $__e $1 $q$ E'\\' $__f'"), 0);
  });
});
