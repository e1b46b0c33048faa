/** How long to wait before subscribing again: doubling from `initialDelayMs` with each failure in a row, up to `maxDelayMs`. */
export interface ResubscribePolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** What a failed subscription calls for: subscribing again after the backoff, or at once. Throwing ends the loop. */
export type ResubscribeVerdict = 'backoff' | 'at-once';

export interface ResubscribeOptions {
  readonly policy: ResubscribePolicy;
  /** Looked at before each subscription and after each failure: false ends the loop quietly. */
  readonly running: () => boolean;
  /** Judges a failure (the delay it would wait is given, for the log). Without it, every failure backs off. */
  readonly onError?: (error: unknown, delayMs: number) => ResubscribeVerdict | Promise<ResubscribeVerdict>;
  /** Aborting it cuts a backoff short: a consumer that closes does not wait for the next attempt. */
  readonly signal?: AbortSignal;
}

/**
 * The loop every follower of the log needs, written once: `open()` subscribes from wherever its caller stands
 * now, and what it yields is passed on; when it fails, or ends while still running (a server ending the call),
 * it is opened again after the backoff. The backoff starts afresh once items flow again.
 */
export async function* resubscribing<T>(open: () => AsyncIterable<T>, options: ResubscribeOptions): AsyncGenerator<T> {
  const { policy } = options;
  let delayMs = policy.initialDelayMs;
  while (options.running()) {
    try {
      for await (const item of open()) {
        delayMs = policy.initialDelayMs;
        yield item;
      }
    } catch (error) {
      if (!options.running()) return;
      if ((await options.onError?.(error, delayMs)) === 'at-once') continue;
    }
    if (!options.running()) return;
    await sleep(delayMs, options.signal);
    delayMs = Math.min(delayMs * 2, policy.maxDelayMs);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
