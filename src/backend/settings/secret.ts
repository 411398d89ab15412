import { inspect } from 'node:util';

/**
 * Holds a secret so that logging, JSON-encoding or inspecting it shows `[redacted]`.
 * Only `reveal()` gives the value, and only db/ calls it.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The secret value; call only where it is handed to the database driver. */
  reveal(): string {
    return this.#value;
  }
  /** True when a value was configured. */
  get isSet(): boolean {
    return this.#value !== '';
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
