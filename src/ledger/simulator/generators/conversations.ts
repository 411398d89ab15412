/** conversation.message: the job's conversation with the agent, one event per message. */
import type { CONVERSATION_ROLES, LedgerEvent } from '../../ledgerEvent';
import { attemptColumns, type AttemptIds } from './context';

/** One message of the job's conversation; `chars` is its length (content itself is not simulated). */
export function message(
  ids: AttemptIds,
  role: (typeof CONVERSATION_ROLES)[number],
  at: number,
  chars: number
): LedgerEvent {
  return {
    kind: 'conversation.message',
    occurredAt: new Date(at),
    ...attemptColumns(ids),
    conversationId: ids.job.conversationId,
    name: role,
    payload: { chars },
  };
}
