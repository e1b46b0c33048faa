/**
 * A catch-up subscription to $all that survives dropped connections. The client's `subscribeToAll` does not
 * resubscribe by itself, so this keeps the position of the last delivered event and, after an error,
 * subscribes again from it (exclusive) with exponential backoff. Anything at or before that position is
 * dropped, so an event is never delivered twice nor out of order, whatever the server replays.
 */
import {
  CancelledError,
  DeadlineExceededError,
  NotLeaderError,
  UnavailableError,
  UnknownError,
  excludeSystemEvents,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
} from '@kurrent/kurrentdb-client';
import type { RecordedEvent, Subscription } from '@annals/application';
import { resubscribing, type ResubscribePolicy } from '../resubscribe';
import { isSystemStream, readPositionOf, recordedEventOf } from './kurrentdb.mapper';

export type { ResubscribePolicy } from '../resubscribe';

/** Errors after which subscribing again can work: the node went away, timed out, or is not the leader. */
const isTransient = (error: unknown): boolean =>
  error instanceof UnavailableError ||
  error instanceof DeadlineExceededError ||
  error instanceof CancelledError ||
  error instanceof NotLeaderError ||
  error instanceof UnknownError;

export class KurrentDbSubscription implements Subscription {
  private position: bigint;
  private closed = false;
  private current: AllStreamSubscription | undefined;
  private readonly closing = new AbortController();
  private readonly iterator: AsyncGenerator<RecordedEvent>;

  constructor(
    private readonly client: KurrentDBClient,
    after: bigint,
    private readonly policy: ResubscribePolicy,
    private readonly onClose: () => void,
  ) {
    this.position = after;
    this.iterator = this.follow();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    // Cancelling the call ends a pending `next()`; `return()` then finishes the generator for later callers.
    await this.current?.unsubscribe();
    await this.iterator.return(undefined);
    this.onClose(); // also here: a generator closed before its first `next()` never runs its own `finally`
  }

  private async *follow(): AsyncGenerator<RecordedEvent> {
    const resolvedEvents = resubscribing(() => this.subscribeFromPosition(), {
      policy: this.policy,
      running: () => !this.closed,
      // Anything but a transient failure ends the subscription with that error.
      onError: (error) => {
        if (!isTransient(error)) throw error;
        return 'backoff';
      },
      signal: this.closing.signal,
    });
    try {
      for await (const resolved of resolvedEvents) {
        if (this.closed) return;
        const position = resolved.event?.position?.commit;
        if (position !== undefined && position <= this.position) continue;
        if (resolved.event && isSystemStream(resolved.event.streamId)) {
          this.position = position ?? this.position; // skipped, but no need to receive it again
          continue;
        }
        const event = recordedEventOf(resolved);
        this.position = event.position;
        yield event;
      }
    } finally {
      this.closed = true;
      this.onClose();
    }
  }

  /** One call of `subscribeToAll` from the last delivered position (the server may replay it: dropped above). */
  private async *subscribeFromPosition(): AsyncGenerator<AllStreamResolvedEvent> {
    const subscription = this.client.subscribeToAll({ fromPosition: readPositionOf(this.position), filter: excludeSystemEvents() });
    this.current = subscription;
    try {
      // A Node Readable iterates `any`; this one carries resolved $all events.
      for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) yield resolved;
    } finally {
      this.current = undefined;
      await subscription.unsubscribe().catch(() => undefined);
    }
  }
}
