/** The error every frame check and encoder throws; its own module so every frames file can import it without cycles. */

/** A frame that Grafana could not decode, or that our model does not allow; the message names the frame and field. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** A short description of a bad value for error messages (never the whole value: it may be large). */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  }
  if (typeof value === 'bigint') {
    return `${value}n`;
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return value === null || typeof value !== 'object' ? String(value) : 'an object';
}
