import { readAhead, type ClosableSource } from './read-ahead';

/** A subscription-like source: items pushed by the test, a read pending until one comes, `close` ends it. */
function pushedSource<T>() {
  const items: T[] = [];
  let failure: Error | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  let pulled = 0;
  const source: ClosableSource<T> = {
    [Symbol.asyncIterator]: async function* () {
      for (;;) {
        while (items.length === 0 && !closed && !failure) await new Promise<void>((resolve) => (wake = resolve));
        if (closed) return;
        if (items.length === 0 && failure) throw failure;
        pulled++;
        yield items.shift()!;
      }
    },
    close: async () => {
      closed = true;
      wake?.();
    },
  };
  return {
    source,
    push: (...more: T[]) => {
      items.push(...more);
      wake?.();
    },
    fail: (error: Error) => {
      failure = error;
      wake?.();
    },
    pulled: () => pulled,
    closed: () => closed,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Takes batches until `count` items came; every batch must be at most `batchSize` long. */
async function drain(batches: AsyncGenerator<number[]>, count: number, batchSize: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const { value } = await batches.next();
    expect((value as number[]).length).toBeGreaterThan(0);
    expect((value as number[]).length).toBeLessThanOrEqual(batchSize);
    out.push(...(value as number[]));
  }
  return out;
}

describe('readAhead', () => {
  it('hands out what has arrived in batches of at most the batch size, without waiting for a batch to fill', async () => {
    const { source, push } = pushedSource<number>();
    const batches = readAhead(source, { capacity: 100, batchSize: 3 });
    const first = batches.next();
    push(1);
    expect((await first).value).toEqual([1]);
    push(2, 3, 4, 5, 6, 7, 8);
    expect(await drain(batches, 7, 3)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    await batches.return(undefined);
  });

  it('reads on while the consumer works, but never holds more than its capacity', async () => {
    const { source, push, pulled } = pushedSource<number>();
    const batches = readAhead(source, { capacity: 4, batchSize: 2 });
    const first = batches.next();
    push(...Array.from({ length: 20 }, (_, i) => i));
    const taken = (await first).value as number[];
    // The consumer is busy with its batch: the reader fills the buffer up to its capacity, then waits.
    for (let i = 0; i < 10; i++) await settle();
    expect(pulled()).toBeGreaterThan(taken.length);
    expect(pulled()).toBeLessThanOrEqual(taken.length + 4);
    expect([...taken, ...(await drain(batches, 20 - taken.length, 2))]).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await batches.return(undefined);
  });

  it('throws a failure of the source once what was read before it has been handed out', async () => {
    const { source, push, fail } = pushedSource<number>();
    const batches = readAhead(source, { capacity: 100, batchSize: 10 });
    const first = batches.next();
    push(1, 2, 3);
    fail(new Error('connection lost'));
    const taken = (await first).value as number[];
    expect([...taken, ...(await drain(batches, 3 - taken.length, 10))]).toEqual([1, 2, 3]);
    await expect(batches.next()).rejects.toThrow('connection lost');
  });

  it('closes the source when the consumer stops, even with a read pending', async () => {
    const { source, push, closed } = pushedSource<number>();
    const batches = readAhead(source, { capacity: 100, batchSize: 10 });
    const first = batches.next();
    push(1);
    expect((await first).value).toEqual([1]);
    await batches.return(undefined);
    expect(closed()).toBe(true);
  });
});
