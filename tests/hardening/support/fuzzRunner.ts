/**
 * Runs fuzz cases against a launched plugin and judges each answer. Acceptable: a gRPC error that names the problem
 * (INVALID_ARGUMENT, UNIMPLEMENTED, INTERNAL "Error deserializing request" for bytes that are not the message,
 * RESOURCE_EXHAUSTED for oversized ones, UNAVAILABLE for a stream whose datasource another case reconfigured), or an
 * answer whose per-query / per-resource errors are 4xx or a classified
 * database error. Findings: a hang (deadline exceeded), a dead process (UNAVAILABLE), an "unexpected failure" of the
 * plugin (status 500 from the plugin itself), or INTERNAL for a well-formed message.
 */
import { decode, RawClient, targetOf, type RawOutcome } from './rawGrpc';
import { fuzzCases, type FuzzCase, type FuzzTarget } from './fuzzCases';
import type { PluginUnderTest } from '../../support/pluginProcess';

/** Options of one fuzz run. */
export interface FuzzOptions {
  seed: number;
  cases: number;
  /** Calls in flight at once. */
  concurrency?: number;
  /** A call that takes longer is a hang. */
  deadlineMs?: number;
  /** How long an open RunStream/CallResource is watched before it is cancelled. */
  holdMs?: number;
}

/** A case whose answer was not acceptable. */
export interface Finding {
  index: number;
  method: string;
  label: string;
  problem: string;
  /** The request, base64, to replay it. */
  request: string;
}

/** Totals of a run. */
export interface FuzzReport {
  seed: number;
  cases: number;
  ms: number;
  /** Outcomes by gRPC status name. */
  codes: Record<string, number>;
  findings: Finding[];
  slowestMs: number;
}

const STATUS_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** What is wrong with one outcome, or undefined when it is acceptable. */
export function judge(fuzzCase: FuzzCase, outcome: RawOutcome): string | undefined {
  const name = STATUS_NAMES[outcome.code] ?? String(outcome.code);
  switch (name) {
    case 'DEADLINE_EXCEEDED':
      return `no answer within the deadline (${outcome.ms} ms): a hang`;
    case 'UNAVAILABLE':
      // A running stream ends so when another case changed its datasource's settings (Grafana restarts it).
      return /the datasource was reconfigured/.test(outcome.details)
        ? undefined
        : `the plugin is unavailable: ${outcome.details}`;
    case 'UNKNOWN':
      return `UNKNOWN status: ${outcome.details}`;
    case 'INTERNAL':
      return /^Error deserializing request/.test(outcome.details) ? undefined : `INTERNAL: ${outcome.details}`;
    case 'OK':
      return judgeMessages(fuzzCase, outcome.messages);
    default:
      return undefined;
  }
}

function judgeMessages(fuzzCase: FuzzCase, messages: Buffer[]): string | undefined {
  if (fuzzCase.method === '/pluginv2.Data/QueryData' && messages[0]) {
    const response = decode('pluginv2.QueryDataResponse', messages[0]);
    for (const [refId, result] of Object.entries<any>(response.responses ?? {})) {
      if (result.status < 100 || result.status > 599) {
        return `refId ${refId.slice(0, 40)}: status ${result.status} is not an HTTP status`;
      }
      if (result.status >= 500 && result.errorSource === 'plugin') {
        return `refId ${refId.slice(0, 40)}: plugin failure ${result.status}: ${String(result.error).slice(0, 300)}`;
      }
      if (result.error && !/^\[[a-z -]+\] /.test(result.error)) {
        return `refId ${refId.slice(0, 40)}: unclassified error: ${String(result.error).slice(0, 300)}`;
      }
    }
  }
  if (fuzzCase.method === '/pluginv2.Resource/CallResource' && messages[0]) {
    const response = decode('pluginv2.CallResourceResponse', messages[0]);
    const body = Buffer.from(response.body ?? []).toString();
    if (response.code >= 500 && /\[plugin\]/.test(body)) {
      return `resource answered ${response.code}: ${body.slice(0, 300)}`;
    }
  }
  return undefined;
}

/** Runs the cases of a seed; resolves with the report (findings are data, not exceptions). */
export async function runFuzz(plugin: PluginUnderTest, target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const client = new RawClient(targetOf(plugin.handshake));
  const deadlineMs = options.deadlineMs ?? 15_000;
  const holdMs = options.holdMs ?? 300;
  const report: FuzzReport = { seed: options.seed, cases: 0, ms: 0, codes: {}, findings: [], slowestMs: 0 };
  const started = Date.now();
  const cases = fuzzCases(options.seed, options.cases, target);
  const worker = async () => {
    for (let next = cases.next(); !next.done; next = cases.next()) {
      const fuzzCase = next.value;
      // RunStream stays open while Grafana wants it; every other stream (CallResource) must end on its own.
      const staysOpen = fuzzCase.method === '/pluginv2.Stream/RunStream';
      const outcome = fuzzCase.streaming
        ? await client.stream(fuzzCase.method, fuzzCase.bytes, staysOpen ? holdMs : deadlineMs, deadlineMs + 1_000)
        : await client.unary(fuzzCase.method, fuzzCase.bytes, deadlineMs);
      if (outcome.stillOpen && !staysOpen) {
        outcome.code = 4; // judged as a hang
      }
      report.cases++;
      const name = STATUS_NAMES[outcome.code] ?? String(outcome.code);
      report.codes[name] = (report.codes[name] ?? 0) + 1;
      report.slowestMs = Math.max(report.slowestMs, outcome.ms);
      const problem = judge(fuzzCase, outcome);
      if (problem) {
        report.findings.push({
          index: fuzzCase.index,
          method: fuzzCase.method,
          label: fuzzCase.label,
          problem,
          request: fuzzCase.bytes.subarray(0, 4_096).toString('base64'),
        });
      }
      if (plugin.child.exitCode !== null || plugin.child.signalCode !== null) {
        report.findings.push({
          index: fuzzCase.index,
          method: fuzzCase.method,
          label: fuzzCase.label,
          problem: `the plugin process exited (${plugin.child.exitCode ?? plugin.child.signalCode})`,
          request: fuzzCase.bytes.subarray(0, 4_096).toString('base64'),
        });
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  client.close();
  report.ms = Date.now() - started;
  return report;
}
