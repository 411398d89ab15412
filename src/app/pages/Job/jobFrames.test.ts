import { FieldType, toDataFrame } from '@grafana/data';

import { logLinesFromFrame } from './logLines';
import { orderSpans, spansFromFrame, traceBounds } from './traceSpans';

describe('trace frames', () => {
  const frame = toDataFrame({
    fields: [
      { name: 'traceID', type: FieldType.string, values: ['t', 't', 't', 't'] },
      { name: 'spanID', type: FieldType.string, values: ['tool', 'loop', 'root', 'llm'] },
      { name: 'parentSpanID', type: FieldType.string, values: ['loop', 'root', null, 'loop'] },
      {
        name: 'operationName',
        type: FieldType.string,
        values: ['tool-execution', 'agent-loop', 'process-job', 'llm-call'],
      },
      { name: 'serviceName', type: FieldType.string, values: ['w1', 'w1', 'w1', 'w1'] },
      { name: 'startTime', type: FieldType.number, values: [1300, 1100, 1000, 1200] },
      { name: 'duration', type: FieldType.number, values: [50, 800, 1000, 90] },
      { name: 'statusCode', type: FieldType.number, values: [2, 0, 0, 0] },
    ],
  });

  it('orders spans depth-first with children by start time', () => {
    const spans = orderSpans(spansFromFrame(frame));
    expect(spans.map((s) => [s.name, s.depth])).toEqual([
      ['process-job', 0],
      ['agent-loop', 1],
      ['llm-call', 2],
      ['tool-execution', 2],
    ]);
    expect(spans.find((s) => s.name === 'tool-execution')?.error).toBe(true);
    expect(traceBounds(spans)).toEqual({ start: 1000, end: 2000 });
  });

  it('keeps spans whose parent is missing, as roots', () => {
    const spans = orderSpans([
      { spanId: 'a', parentSpanId: 'gone', name: 'orphan', startMs: 0, durationMs: 1, error: false },
    ]);
    expect(spans).toHaveLength(1);
    expect(spans[0].depth).toBe(0);
  });
});

describe('log frames', () => {
  it('reads time, body and severity of log lines', () => {
    const frame = toDataFrame({
      meta: { type: 'log-lines' },
      fields: [
        { name: 'timestamp', type: FieldType.time, values: [1000, 2000] },
        { name: 'body', type: FieldType.string, values: ['job.claimed by w1', 'job.failed: timeout'] },
        { name: 'severity', type: FieldType.string, values: ['info', 'error'] },
      ],
    });
    expect(logLinesFromFrame(frame)).toEqual([
      { time: 1000, body: 'job.claimed by w1', level: 'info', labels: undefined },
      { time: 2000, body: 'job.failed: timeout', level: 'error', labels: undefined },
    ]);
  });
});
