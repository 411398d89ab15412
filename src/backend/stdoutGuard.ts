/**
 * stdout is go-plugin's handshake channel: exactly one line may ever appear there. Imported first by main.ts, this
 * module keeps a private handle on the real stdout for the handshake and sends everything else (console.log of a
 * library, a stray process.stdout.write) to stderr, where Grafana logs it at debug level.
 */
import { format } from 'node:util';

const realStdoutWrite = process.stdout.write.bind(process.stdout);

const toStderr = (...args: unknown[]) => {
  process.stderr.write(`${format(...args)}\n`);
};
/* eslint-disable no-console -- this is where console output is rerouted */
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;
console.trace = toStderr;
/* eslint-enable no-console */

process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
  (process.stderr.write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(
    chunk,
    ...rest
  )) as typeof process.stdout.write;

/** Writes the handshake line to the real stdout; resolves when it has been flushed. */
export function writeHandshake(line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    realStdoutWrite(line, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
