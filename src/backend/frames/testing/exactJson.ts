/**
 * A small JSON parser for tests that keeps integers beyond 2^53 exact (as bigint) and object keys in document
 * order. JSON.parse would round int64 values such as 9223372036854775807, and Node 20 has no JSON.parse source
 * access, so golden comparisons of int64/uint64 columns need this.
 */

/** Parses JSON; integer literals outside the safe range become bigint. */
export function parseExactJson(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (parser.pos !== text.length) {
    throw new SyntaxError(`unexpected text at ${parser.pos}`);
  }
  return value;
}

// Sticky patterns match exactly at `lastIndex`, so no slicing of the remaining text.
const STRING = /"(?:[^"\\]|\\.)*"/y;
const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) {
      this.pos++;
    }
  }

  value(): unknown {
    this.skipSpace();
    const char = this.text[this.pos];
    if (char === '{') {
      return this.object();
    }
    if (char === '[') {
      return this.array();
    }
    if (char === '"') {
      return this.string();
    }
    for (const [literal, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(literal, this.pos)) {
        this.pos += literal.length;
        return value;
      }
    }
    return this.number();
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      result[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return result;
      }
      this.expect(',');
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return result;
      }
      this.expect(',');
    }
  }

  private string(): string {
    const match = this.match(STRING);
    if (match === null) {
      throw new SyntaxError(`expected a string at ${this.pos}`);
    }
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private number(): number | bigint {
    const match = this.match(NUMBER);
    if (match === null) {
      throw new SyntaxError(`unexpected character at ${this.pos}`);
    }
    this.pos += match[0].length;
    const isInteger = match[1] === undefined && match[2] === undefined;
    const number = Number(match[0]);
    return isInteger && !Number.isSafeInteger(number) ? BigInt(match[0]) : number;
  }

  private match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.pos;
    return pattern.exec(this.text);
  }

  private expect(char: string): void {
    if (this.text[this.pos] !== char) {
      throw new SyntaxError(`expected "${char}" at ${this.pos}`);
    }
    this.pos++;
  }
}
