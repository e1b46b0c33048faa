import type { RecordedEvent, Subscription } from '@annals/application';

/** Wakes sleeping subscribers when the local writer commits. */
export class CommitSignal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  /** Resolves on the next commit, or after `timeoutMs` (other processes may write to the same log). */
  wait(timeoutMs: number): { promise: Promise<void>; cancel: () => void } {
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => (wake = resolve));
    const timer = setTimeout(() => wake(), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      this.waiters.delete(done);
      wake();
    };
    this.waiters.add(done);
    return { promise, cancel: done };
  }
}

/**
 * Catch-up then live by tailing the log by position. One writer commits positions in order, so reading
 * "after the last delivered position" again and again can neither skip nor repeat an event.
 */
export function tailingSubscription(
  readBatch: (after: bigint, limit: number) => Promise<readonly RecordedEvent[]> | readonly RecordedEvent[],
  signal: CommitSignal,
  options: { after?: bigint; batchSize?: number; pollMs?: number } = {},
): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 200;
  let position = options.after ?? 0n;
  let closed = false;
  let cancelWait: (() => void) | undefined;

  async function* iterate(): AsyncGenerator<RecordedEvent> {
    while (!closed) {
      const batch = await readBatch(position, batchSize);
      for (const event of batch) {
        if (closed) return;
        position = event.position;
        yield event;
      }
      if (batch.length < batchSize && !closed) {
        const wait = signal.wait(pollMs);
        cancelWait = wait.cancel;
        await wait.promise;
        cancelWait = undefined;
      }
    }
  }

  const iterator = iterate();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      closed = true;
      cancelWait?.();
      await iterator.return(undefined);
    },
  };
}
