/** Domain results → pluginv2 wire messages. Frames are encoded here, each as one Arrow IPC file. */
import { toArrowIpc } from '../frames/arrowIpc';
import { withRefId } from '../frames/frame';
import type { DataResponse, HealthResult, ResourceResponse } from '../plugin/types';
import type { WireCallResourceResponse, WireCheckHealthResponse, WireDataResponse } from './wire';

/**
 * Encodes one query's result. Every frame gets the refId (as the Go SDK does) and the status is always set:
 * Grafana reads 0 as "unknown" (500).
 */
export function encodeDataResponse(refId: string, response: DataResponse): WireDataResponse {
  const frames = response.frames.map((frame) => toArrowIpc(frame.refId ? frame : withRefId(frame, refId)));
  if (response.error) {
    return {
      frames,
      error: response.error.message,
      status: response.error.status,
      errorSource: response.error.source,
    };
  }
  return { frames, error: '', status: 200, errorSource: '' };
}

/** Encodes a health result; details must be a JSON object (anything else makes Grafana answer 500). */
export function encodeHealthResult(result: HealthResult): WireCheckHealthResponse {
  const wire: WireCheckHealthResponse = { status: result.status, message: result.message };
  if (result.details && Object.keys(result.details).length > 0) {
    wire.jsonDetails = Buffer.from(JSON.stringify(result.details));
  }
  return wire;
}

/** Encodes a resource response as one message (status and headers are read from the first message only). */
export function encodeResourceResponse(response: ResourceResponse): WireCallResourceResponse {
  const headers: Record<string, { values: string[] }> = {};
  for (const [key, value] of Object.entries(response.headers ?? {})) {
    headers[key] = { values: [value] };
  }
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : Buffer.from(response.body);
  return { code: response.status, headers, body };
}
