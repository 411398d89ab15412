/** llm.call: one model request inside an agent loop (an llm-call span whose parent is the loop span). */
import type { LedgerEvent } from '../../ledgerEvent';
import type { Random } from '../rng';
import type { ModelSpec } from '../scenario';
import { attemptColumns, wholeMs, type AttemptIds } from './context';

/** A draw of a long-tailed quantity, kept within [median / 8, median × 4]: the tail is long but bounded, so steady
 * data can never cross an alert threshold by a one-in-a-million draw (docs: simulator README). */
export function boundedLogNormal(random: Random, spec: { median: number; sigma: number }, factor = 1): number {
  const value = random.logNormal(spec.median, spec.sigma);
  return factor * Math.min(spec.median * 4, Math.max(spec.median / 8, value));
}

/** One LLM call and what it cost. */
export interface LlmCall {
  event: LedgerEvent;
  end: number;
  tokens: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** An LLM call starting at `start` (its event is dated at its end, as every span event). */
export function llmCall(
  random: Random,
  ids: AttemptIds,
  loopSpanId: string,
  model: string,
  spec: ModelSpec,
  start: number,
  tokenFactor: number
): LlmCall {
  const durationMs = wholeMs(boundedLogNormal(random, spec.latencyMs));
  const tokensIn = Math.round(boundedLogNormal(random, spec.tokensIn, tokenFactor));
  const tokensOut = Math.round(boundedLogNormal(random, spec.tokensOut, tokenFactor));
  const costUsd = Math.round(tokensIn * spec.inputUsdPerMTok + tokensOut * spec.outputUsdPerMTok) / 1e6;
  const end = start + durationMs;
  return {
    event: {
      kind: 'llm.call',
      occurredAt: new Date(end),
      ...attemptColumns(ids),
      spanId: random.hex(16),
      parentSpanId: loopSpanId,
      name: model,
      status: random.chance(spec.errorProbability) ? 'error' : 'ok',
      durationMs,
      tokensIn,
      tokensOut,
      costUsd,
    },
    end,
    tokens: tokensIn + tokensOut,
    tokensIn,
    tokensOut,
    costUsd,
  };
}
