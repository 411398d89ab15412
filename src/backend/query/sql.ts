/**
 * SQL text plus its parameters. Values always travel as parameters ($1, $2, …); identifiers only ever come from
 * allow-lists in code. `Params` hands out placeholders while a builder writes its text.
 */

/** A statement ready for the driver. */
export interface Sql {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** Collects parameter values and returns their placeholders. */
export class Params {
  readonly values: unknown[] = [];

  /** Adds a value; returns its placeholder, with an explicit cast when given (e.g. `timestamptz`). */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    const placeholder = `$${this.values.length}`;
    return cast ? `${placeholder}::${cast}` : placeholder;
  }
}

/** Quotes an identifier the way PostgreSQL does (for allow-listed names that still need quoting, e.g. aliases). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
