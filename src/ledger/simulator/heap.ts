/** A binary min-heap ordered by (time, insertion order): ties come out in the order they went in. */

interface Entry<T> {
  time: number;
  order: number;
  value: T;
}

/** Min-heap of values keyed by time. */
export class TimeHeap<T> {
  private readonly entries: Array<Entry<T>> = [];
  private counter = 0;

  get size(): number {
    return this.entries.length;
  }

  /** The earliest time, or +Infinity when empty. */
  peekTime(): number {
    return this.entries[0]?.time ?? Number.POSITIVE_INFINITY;
  }

  push(time: number, value: T): void {
    const entries = this.entries;
    const entry = { time, order: this.counter++, value };
    let i = entries.length;
    entries.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(entry, entries[parent]!)) {
        break;
      }
      entries[i] = entries[parent]!;
      i = parent;
    }
    entries[i] = entry;
  }

  /** Removes and returns the earliest value (undefined when empty). */
  pop(): T | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) {
      return top?.value;
    }
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= entries.length) {
        break;
      }
      const right = left + 1;
      const child = right < entries.length && less(entries[right]!, entries[left]!) ? right : left;
      if (!less(entries[child]!, last)) {
        break;
      }
      entries[i] = entries[child]!;
      i = child;
    }
    entries[i] = last;
    return top.value;
  }
}

function less<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.time < b.time || (a.time === b.time && a.order < b.order);
}
