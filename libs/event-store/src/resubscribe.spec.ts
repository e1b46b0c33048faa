import { resubscribing, type ResubscribeOptions } from './resubscribe';

/** A source of numbers that fails after some of them, as a dropped subscription does. */
function flakySource(log: number[], failures: Array<number | 'end'>) {
  let opened = 0;
  return {
    opens: () => opened,
    open: () => {
      const from = log.length;
      const failAfter = failures[opened++];
      return (async function* () {
        for (let i = 0; ; i++) {
          if (failAfter !== undefined && i === failAfter) throw new Error('dropped');
          if (failAfter === 'end' && i === 2) return;
          log.push(from + i);
          yield from + i;
        }
      })();
    },
  };
}

const policy = { initialDelayMs: 1, maxDelayMs: 4 };

async function take(items: AsyncIterable<number>, count: number): Promise<number[]> {
  const out: number[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length === count) break;
  }
  return out;
}

describe('resubscribing', () => {
  it('subscribes again after a failure, from where its caller stands, and passes every item on once', async () => {
    const log: number[] = [];
    const source = flakySource(log, [3, 0, 2]);
    const items = await take(resubscribing(source.open, { policy, running: () => true }), 8);
    expect(items).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(source.opens()).toBe(4);
  });

  it('subscribes again when the source ends while still running (a server ending the call)', async () => {
    const log: number[] = [];
    const source = flakySource(log, ['end', 'end']);
    expect(await take(resubscribing(source.open, { policy, running: () => true }), 5)).toEqual([0, 1, 2, 3, 4]);
    expect(source.opens()).toBe(3);
  });

  it('doubles the backoff with each failure in a row, up to its ceiling, and starts afresh once items flow', async () => {
    const delays: number[] = [];
    const source = flakySource([], [0, 0, 0, 0, 1, 0]);
    const options: ResubscribeOptions = {
      policy,
      running: () => true,
      onError: (_error, delayMs) => {
        delays.push(delayMs);
        return 'backoff';
      },
    };
    await take(resubscribing(source.open, options), 2);
    expect(delays).toEqual([1, 2, 4, 4, 1, 2]);
  });

  it('subscribes again at once when the failure says so, and ends with the error it rethrows', async () => {
    const source = flakySource([], [0, 0]);
    let judged = 0;
    const items = resubscribing(source.open, {
      policy: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      running: () => true,
      onError: (error) => {
        if (++judged === 2) throw error;
        return 'at-once';
      },
    });
    await expect(take(items, 1)).rejects.toThrow('dropped');
    expect(source.opens()).toBe(2);
  });

  it('ends quietly once not running, and an abort cuts its backoff short', async () => {
    let running = true;
    const abort = new AbortController();
    const source = flakySource([], [0, 0]);
    const items = resubscribing(source.open, {
      policy: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      running: () => running,
      onError: () => {
        running = false;
        abort.abort();
        return 'backoff';
      },
      signal: abort.signal,
    });
    expect(await take(items, 1)).toEqual([]);
    expect(source.opens()).toBe(1);
  });
});
