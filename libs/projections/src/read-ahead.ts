/** A source that can be closed from outside while a read of it is pending (a subscription). */
export interface ClosableSource<T> extends AsyncIterable<T> {
  close(): Promise<void>;
}

/**
 * Reads `source` ahead into a buffer of at most `capacity` items while the consumer works on the last batch, and
 * hands out batches of at most `batchSize`: whatever has arrived, without waiting for a batch to fill. A failure
 * of the source is thrown once what was read before it has been handed out. Stopping (the consumer's `return`)
 * closes the source.
 */
export async function* readAhead<T>(source: ClosableSource<T>, options: { capacity: number; batchSize: number }): AsyncGenerator<T[]> {
  const buffer: T[] = [];
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  const reader = (async () => {
    try {
      for await (const item of source) {
        buffer.push(item);
        wake?.();
        if (buffer.length >= options.capacity) await new Promise<void>((resolve) => (resume = resolve));
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error('the subscription failed');
    } finally {
      ended = true;
      wake?.();
    }
  })();
  try {
    for (;;) {
      if (buffer.length === 0) {
        if (ended) break;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      const batch = buffer.splice(0, options.batchSize);
      resume?.();
      resume = undefined;
      yield batch;
    }
    if (failure) throw failure;
  } finally {
    await source.close();
    resume?.();
    await reader;
  }
}
