import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '@annals/application';
import { CommitSignal, tailingSubscription } from '../tailing-subscription';

/** The event store in memory, with the same semantics as the durable ones. For unit tests only. */
export class InMemoryEventStore implements EventStore {
  readonly eventIdsUniqueAcrossStreams = true;
  private readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly byEventId = new Map<string, RecordedEvent>();
  private readonly signal = new CommitSignal();
  private readonly subscriptions = new Set<Subscription>();

  append(stream: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    try {
      return Promise.resolve(this.appendNow(stream, events, options.expectedRevision));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private appendNow(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): AppendResult {
    if (events.length === 0) throw new Error('append needs at least one event');
    const existing = this.streams.get(stream) ?? [];
    const first = this.byEventId.get(events[0]!.eventId);
    if (first) return this.idempotentRetry(stream, events, expectedRevision, first);
    const last = existing.length === 0 ? null : BigInt(existing.length - 1);
    const matches = expectedRevision === 'any' || (expectedRevision === 'no-stream' ? last === null : last === expectedRevision);
    if (!matches) throw new WrongExpectedRevisionError(stream, expectedRevision, last ?? 'no-stream');
    const duplicate = events.find((event) => this.byEventId.has(event.eventId));
    if (duplicate) throw new DuplicateEventIdError(duplicate.eventId);

    const recordedAtNow = new Date().toISOString();
    let recorded: RecordedEvent | undefined;
    for (const event of events) {
      recorded = {
        position: BigInt(this.log.length + 1),
        stream,
        revision: BigInt(existing.length),
        eventId: event.eventId,
        type: event.type,
        // Stored as the durable stores do: a JSON copy, immune to the caller's later mutations.
        data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
        metadata: JSON.parse(JSON.stringify(event.metadata)) as Record<string, unknown>,
        recordedAt: typeof event.metadata.recordedAt === 'string' ? event.metadata.recordedAt : recordedAtNow,
      };
      existing.push(recorded);
      this.log.push(recorded);
      this.byEventId.set(event.eventId, recorded);
    }
    this.streams.set(stream, existing);
    queueMicrotask(() => this.signal.notify());
    return { revision: recorded!.revision, position: recorded!.position };
  }

  private idempotentRetry(
    stream: string,
    events: readonly NewEvent[],
    expectedRevision: ExpectedRevision,
    first: RecordedEvent,
  ): AppendResult {
    const expectedFirst = expectedRevision === 'any' ? first.revision : expectedRevision === 'no-stream' ? 0n : expectedRevision + 1n;
    let result: AppendResult | undefined;
    events.forEach((event, index) => {
      const stored = this.byEventId.get(event.eventId);
      const same =
        stored?.stream === stream &&
        stored.revision === expectedFirst + BigInt(index) &&
        stored.type === event.type &&
        JSON.stringify(stored.data) === JSON.stringify(event.data);
      if (!same) throw new DuplicateEventIdError(event.eventId);
      result = { revision: stored.revision, position: stored.position, replayed: true };
    });
    return result!;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = Number(options.fromRevision ?? 0n);
    return Promise.resolve((this.streams.get(stream) ?? []).slice(from, options.limit === undefined ? undefined : from + options.limit));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const after = Number(options.after ?? 0n);
    const end = options.limit === undefined ? this.log.length : Math.min(this.log.length, after + options.limit);
    for (let index = after; index < end; index++) yield await Promise.resolve(this.log[index]!);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = tailingSubscription((after, limit) => this.log.slice(Number(after), Number(after) + limit), this.signal, {
      after: options.after,
    });
    this.subscriptions.add(subscription);
    return {
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  headPosition(): Promise<bigint> {
    return Promise.resolve(BigInt(this.log.length));
  }

  lastEvent(): Promise<RecordedEvent | undefined> {
    return Promise.resolve(this.log[this.log.length - 1]);
  }

  ping(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }
}
