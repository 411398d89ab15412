/**
 * Gives memory back to the system after a big answer. A 100,000-row SQL answer takes the heap (and RSS) from ~80 MB
 * to ~180 MB, and V8 collects the garbage only when more allocation asks for it: on a quiet plugin that is never, so
 * RSS stayed high for as long as nobody asked anything (#14, tests/hardening/memory-big-sql.test.ts). A few seconds
 * after the last big answer, once the process is quiet, one full collection returns the pages.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Rows from which an answer counts as big. */
export const BIG_ANSWER_ROWS = 20_000;
const QUIET_MS = 5_000;

let collect: (() => void) | undefined | null;
let timer: NodeJS.Timeout | undefined;

/** Node's gc(), exposed at run time (the single executable cannot take --expose-gc); null where unavailable. */
function fullCollection(): (() => void) | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Schedules one full collection QUIET_MS after the last big answer (debounced; never keeps the process alive). */
export function releaseMemorySoon(): void {
  if (timer) {
    timer.refresh();
    return;
  }
  timer = setTimeout(() => {
    timer = undefined;
    fullCollection()?.();
  }, QUIET_MS);
  timer.unref();
}
