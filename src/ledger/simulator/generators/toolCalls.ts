/** tool.call: one tool execution inside an agent loop (a tool-execution span whose parent is the loop span). */
import type { LedgerEvent } from '../../ledgerEvent';
import type { Random } from '../rng';
import type { ToolSpec } from '../scenario';
import { attemptColumns, wholeMs, type AttemptIds } from './context';
import { boundedLogNormal } from './llmCalls';

const ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  read_file: ['src/index.ts', 'src/api/routes.ts', 'README.md', 'package.json', 'src/db/schema.sql'],
  search_code: ['TODO', 'handleError', 'useQuery', 'SELECT'],
  apply_patch: ['src/index.ts', 'src/api/routes.ts', 'src/db/schema.sql'],
  run_tests: ['npm test', 'go test ./...', 'pytest -q'],
  run_shell: ['git status', 'ls -la', 'npm run build'],
  web_fetch: ['https://docs.example.com/api', 'https://example.com/changelog'],
};

/** One tool call. */
export interface ToolCall {
  event: LedgerEvent;
  end: number;
  failed: boolean;
}

/** A tool call starting at `start`; `slowdown` multiplies its duration (slow-tools anomaly). */
export function toolCall(
  random: Random,
  ids: AttemptIds,
  loopSpanId: string,
  tool: string,
  spec: ToolSpec,
  start: number,
  slowdown: number
): ToolCall {
  const durationMs = wholeMs(boundedLogNormal(random, spec.durationMs, slowdown));
  const failed = random.chance(spec.errorProbability);
  const end = start + durationMs;
  return {
    event: {
      kind: 'tool.call',
      occurredAt: new Date(end),
      ...attemptColumns(ids),
      spanId: random.hex(16),
      parentSpanId: loopSpanId,
      name: tool,
      status: failed ? 'error' : 'ok',
      durationMs,
      payload: { args: random.pick(ARGUMENTS[tool] ?? ['…']) },
    },
    end,
    failed,
  };
}
