/** worker.heartbeat: a worker's sign of life every few seconds, naming the job it is on (none when idle). */
import type { LedgerEvent } from '../../ledgerEvent';
import type { Random } from '../rng';

/** One heartbeat. */
export function heartbeat(workerId: string, at: number, jobId: string | undefined): LedgerEvent {
  return jobId === undefined
    ? { kind: 'worker.heartbeat', occurredAt: new Date(at), workerId }
    : { kind: 'worker.heartbeat', occurredAt: new Date(at), workerId, jobId };
}

/** When the next heartbeat is sent: the period with ±10% jitter (timers drift). */
export function nextHeartbeatAt(random: Random, previous: number, everyMs: number): number {
  return previous + Math.round(everyMs * random.between(0.9, 1.1));
}
