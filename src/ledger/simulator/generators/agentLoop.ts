/**
 * One agent loop: LLM calls, each followed by a few tool calls, then the loop's own agent.loop span (parent: the
 * process-job span) and the assistant's message. Stops early when the job goes over its token cap.
 */
import type { LedgerEvent } from '../../ledgerEvent';
import type { Random } from '../rng';
import type { Scenario } from '../scenario';
import type { Conditions } from '../schedule';
import { message } from './conversations';
import { attemptColumns, type AttemptIds } from './context';
import { budgetExceeded, jobError } from './incidents';
import { llmCall } from './llmCalls';
import { toolCall } from './toolCalls';

/** Running totals of an attempt, updated by each loop. */
export interface LoopTotals {
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** Tokens of the whole job so far (earlier attempts included): what the cap applies to. */
  jobTokens: number;
  overCap: boolean;
}

/** What a loop wrote and when it ended. */
export interface Loop {
  events: LedgerEvent[];
  end: number;
}

/** Runs one loop from `start`, appending to `totals`. */
export function agentLoop(
  random: Random,
  scenario: Scenario,
  conditionsAt: (t: number) => Conditions,
  ids: AttemptIds,
  start: number,
  totals: LoopTotals
): Loop {
  const { team, jobs } = scenario;
  const loopSpanId = random.hex(16);
  const models = Object.entries(ids.job.mode.models);
  const tools = Object.entries(team.tools).map(([name, spec]) => [name, spec.weight] as const);
  const events: LedgerEvent[] = [];
  let t = start;
  const calls = random.int(...jobs.llmCallsPerLoop);
  for (let c = 0; c < calls && !totals.overCap; c++) {
    const model = random.weighted(models);
    const call = llmCall(random, ids, loopSpanId, model, team.models[model]!, t, conditionsAt(t).tokenFactor);
    events.push(call.event);
    t = call.end;
    totals.tokensIn += call.tokensIn;
    totals.tokensOut += call.tokensOut;
    totals.costUsd += call.costUsd;
    totals.jobTokens += call.tokens;
    if (totals.jobTokens > ids.job.tokenCap) {
      totals.overCap = true;
      events.push(budgetExceeded(ids, t + 1, totals.jobTokens));
      break;
    }
    const toolCalls = random.int(...jobs.toolCallsPerLlmCall);
    for (let k = 0; k < toolCalls; k++) {
      const tool = random.weighted(tools);
      const slowdown = conditionsAt(t).toolSlowdown.get(tool) ?? 1;
      const result = toolCall(random, ids, loopSpanId, tool, team.tools[tool]!, t + random.int(1, 20), slowdown);
      events.push(result.event);
      t = result.end;
      if (result.failed && random.chance(jobs.toolErrorReportProbability)) {
        events.push(jobError(ids, t + 1, 'ToolError', `${tool} failed`));
      }
    }
  }
  t += random.int(5, 40);
  events.push({
    kind: 'agent.loop',
    occurredAt: new Date(t),
    ...attemptColumns(ids),
    spanId: loopSpanId,
    parentSpanId: ids.jobSpanId,
    durationMs: t - start,
  });
  events.push(message(ids, 'assistant', t + 1, random.int(200, 4000)));
  return { events, end: t + 1 };
}
