/**
 * Spans → the one frame Grafana's trace view reads (TraceSpanRow columns; preferredVisualisationType `trace`):
 *
 *   traceID · spanID · parentSpanID ("" for roots) · operationName · serviceName · serviceTags (json) ·
 *   startTime (float64 epoch ms) · duration (float64 ms) · tags (json) · kind · statusCode (int64) ·
 *   statusMessage · logs (json) · warnings (json, nullable)
 */
import { jsonField, makeFrame, numberField, stringField } from '../../frames/builders';
import { checkFrame, type CheckedFrame, type JsonValue, type Notice } from '../../frames/frame';
import type { Span } from './spanTree';

const asJson = (value: unknown) => value as JsonValue;

/** Builds the trace frame; `notices` explain a truncated trace. */
export function traceFrame(spans: readonly Span[], executedSql: string, notices: Notice[] = []): CheckedFrame {
  const column = <T>(pick: (span: Span) => T) => spans.map(pick);
  return checkFrame(
    makeFrame(
      [
        stringField(
          'traceID',
          column((s) => s.traceId)
        ),
        stringField(
          'spanID',
          column((s) => s.spanId)
        ),
        stringField(
          'parentSpanID',
          column((s) => s.parentSpanId)
        ),
        stringField(
          'operationName',
          column((s) => s.operationName)
        ),
        stringField(
          'serviceName',
          column((s) => s.serviceName)
        ),
        jsonField(
          'serviceTags',
          column((s) => asJson(s.serviceTags)),
          { nullable: false }
        ),
        numberField(
          'startTime',
          column((s) => s.startMs)
        ),
        numberField(
          'duration',
          column((s) => s.durationMs)
        ),
        jsonField(
          'tags',
          column((s) => asJson(s.tags)),
          { nullable: false }
        ),
        stringField(
          'kind',
          column((s) => s.kind)
        ),
        numberField(
          'statusCode',
          column((s) => s.statusCode),
          { storage: 'int64' }
        ),
        stringField(
          'statusMessage',
          column((s) => s.statusMessage)
        ),
        jsonField(
          'logs',
          column((s) => asJson(s.logs)),
          { nullable: false }
        ),
        jsonField(
          'warnings',
          column((s) => (s.warnings.length > 0 ? asJson(s.warnings) : null)),
          { nullable: true }
        ),
      ],
      {
        name: 'Trace',
        meta: {
          ...(notices.length > 0 ? { notices } : {}),
          preferredVisualisationType: 'trace',
          executedQueryString: executedSql,
        },
      }
    )
  );
}
