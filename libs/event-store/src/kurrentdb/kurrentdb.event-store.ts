/**
 * The EventStore port on KurrentDB (formerly EventStoreDB), through the official client. Appends and
 * subscriptions go over the client's grpc-js channel; stream and $all reads over its native bridge (a second
 * connection from the same connection string).
 */
import { canonicalJson } from '@annals/domain';
import {
  BACKWARDS,
  DeadlineExceededError,
  END,
  KurrentDBClient,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  asNewEvent,
  streamRuns,
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
import {
  actualRevisionOf,
  eventDataOf,
  isSystemStream,
  readPositionOf,
  recordedEventOf,
  streamStateOf,
} from './kurrentdb.mapper';
import { KurrentDbSubscription, type ResubscribePolicy } from './kurrentdb.subscription';

export interface KurrentDbEventStoreOptions {
  /** e.g. `kurrentdb://localhost:2113?tls=false`, or several nodes for a cluster. */
  readonly connectionString: string;
  /** Events per round trip of `readAll` when the caller gives no `batchSize`. */
  readonly readBatchSize?: number;
  /** Backoff between resubscriptions after a subscription fails. */
  readonly resubscribe?: ResubscribePolicy;
  /** How long `ping()` waits for an answer. */
  readonly pingTimeoutMs?: number;
}

const DEFAULT_READ_BATCH_SIZE = 500;
const DEFAULT_RESUBSCRIBE: ResubscribePolicy = { initialDelayMs: 100, maxDelayMs: 5_000 };
const DEFAULT_PING_TIMEOUT_MS = 2_000;
const APPEND_DEADLINE_MS = 5_000;
/** Page size of the backward scan for the head: system events in `$` streams are rare, so one page is typical. */
const HEAD_SCAN_PAGE = 32;

export class KurrentDbEventStore implements EventStore {
  /** The server checks event ids per stream only. */
  readonly eventIdsUniqueAcrossStreams = false;
  private readonly client: KurrentDBClient;
  private readonly readBatchSize: number;
  private readonly resubscribePolicy: ResubscribePolicy;
  private readonly pingTimeoutMs: number;
  private readonly subscriptions = new Set<KurrentDbSubscription>();
  private closing: Promise<void> | undefined;

  constructor(options: KurrentDbEventStoreOptions) {
    this.client = KurrentDBClient.connectionString(options.connectionString);
    this.readBatchSize = options.readBatchSize ?? DEFAULT_READ_BATCH_SIZE;
    this.resubscribePolicy = options.resubscribe ?? DEFAULT_RESUBSCRIBE;
    this.pingTimeoutMs = options.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
  }

  async append(stream: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new Error('append needs at least one event');
    let lastRevision: bigint | undefined;
    // A dropped subscription closes the client's shared channel under concurrent appends: retrying is safe
    // (deterministic event ids, exact stream state, and confirmStored checks what is there).
    for (let attempt = 0; lastRevision === undefined; attempt++) {
      try {
        const result = await this.client.appendToStream(stream, events.map(eventDataOf), {
          streamState: streamStateOf(options.expectedRevision),
          deadline: APPEND_DEADLINE_MS,
        });
        lastRevision = result.nextExpectedRevision;
      } catch (error) {
        if (error instanceof WrongExpectedVersionError) {
          throw new WrongExpectedRevisionError(stream, options.expectedRevision, actualRevisionOf(error.actualState));
        }
        // A connection that fails in another way (reset, refused, cancelled) is the store unavailable too, as on reads.
        if (!(error instanceof UnavailableError || error instanceof DeadlineExceededError)) throw unavailable(error);
        if (attempt >= 3) throw new StoreUnavailableError('KurrentDB is unavailable; retry shortly');
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    return this.confirmStored(stream, events, lastRevision);
  }

  /**
   * The server answers an append of already-stored event ids (same stream, same revisions) with success and the
   * original result, comparing ids only, and its answer does not say whether it wrote or recognised a retry.
   * So every append reads back what sits at its revisions: our events prove a write or a true retry; the same
   * ids with other content (or ids found elsewhere by the server's best-effort `any` check) are a duplicate.
   * This read also gives the position of the stored event, which an old server leaves out on a retry.
   */
  private async confirmStored(stream: string, events: readonly NewEvent[], lastRevision: bigint): Promise<AppendResult> {
    const firstRevision = lastRevision - BigInt(events.length - 1);
    const stored = firstRevision < 0n ? [] : await this.readStreamRange(stream, firstRevision, events.length);
    events.forEach((event, index) => {
      const found = stored[index];
      const same =
        found?.eventId === event.eventId &&
        found.revision === firstRevision + BigInt(index) &&
        found.type === event.type &&
        // Stored data comes back re-parsed: key order alone must not make two events differ.
        canonicalJson(found.data) === canonicalJson(event.data);
      if (!same) throw new DuplicateEventIdError(event.eventId);
    });
    return { revision: lastRevision, position: stored[stored.length - 1]!.position };
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.readStreamRange(stream, options.fromRevision ?? 0n, options.limit ?? Number.MAX_SAFE_INTEGER);
  }

  private async readStreamRange(stream: string, fromRevision: bigint, maxCount: number): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { fromRevision, maxCount })) events.push(recordedEventOf(resolved));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw unavailable(error);
    }
    return events;
  }

  /** Reads $all in pages of `batchSize`, so memory stays bounded by one page whatever the log size. */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const batchSize = Math.max(1, options.batchSize ?? this.readBatchSize);
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    let after = options.after ?? 0n;
    while (remaining > 0) {
      const wanted = Math.min(batchSize, remaining);
      // A read starts AT its position, so the page asks for one more and drops the event already delivered.
      const maxCount = after === 0n ? wanted : wanted + 1;
      const page = await this.readAllPage(readPositionOf(after), maxCount);
      const fresh = page.events.filter((event) => event.position > after).slice(0, wanted);
      for (const event of fresh) {
        yield event;
        after = event.position;
        remaining--;
      }
      if (page.received < maxCount) return; // the log ended within this page
      if (fresh.length === 0) after = page.lastPosition ?? after; // a page of `$`-stream events only: skip it
    }
  }

  /** One page of $all; `received` and `lastPosition` count the `$`-stream events it skipped, for paging. */
  private async readAllPage(
    fromPosition: ReadPosition,
    maxCount: number,
    backwards = false,
  ): Promise<{ events: RecordedEvent[]; received: number; lastPosition?: bigint }> {
    const events: RecordedEvent[] = [];
    let received = 0;
    let lastPosition: bigint | undefined;
    const reading = this.client.readAll({
      fromPosition,
      maxCount,
      filter: excludeSystemEvents(),
      ...(backwards ? { direction: BACKWARDS } : {}),
    });
    for await (const resolved of reading) {
      received++;
      lastPosition = resolved.event?.position.commit ?? lastPosition;
      if (resolved.event && !isSystemStream(resolved.event.streamId)) events.push(recordedEventOf(resolved));
    }
    return { events, received, lastPosition };
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = new KurrentDbSubscription(this.client, options.after ?? 0n, this.resubscribePolicy, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<bigint> {
    return (await this.lastEvent())?.position ?? 0n;
  }

  /** The newest non-system event, found by reading $all backwards (the filter skips `$` types server-side). */
  async lastEvent(): Promise<RecordedEvent | undefined> {
    let from: ReadPosition = END;
    for (;;) {
      const page = await this.readAllPage(from, HEAD_SCAN_PAGE, true);
      const head = page.events[0];
      if (head) return head;
      if (page.received < HEAD_SCAN_PAGE || page.lastPosition === undefined) return undefined;
      from = readPositionOf(page.lastPosition); // backward reads return the events before their position
    }
  }

  /**
   * Restores an export in log order: one append per run of a stream's events, with the exact stream state the
   * log implies, so the server refuses a stream that is not where the log says (the port's restore capability).
   * Positions are the server's own; recorded time travels in the metadata. No read-back per append: the store was
   * empty and every state is exact, so a success is the write.
   */
  async restoreBatch(events: readonly RecordedEvent[]): Promise<{ readonly position: bigint }> {
    let position = 0n;
    for (const { stream, run } of streamRuns(events)) {
      const first = run[0]!.revision;
      const expectedRevision: ExpectedRevision = first === 0n ? 'no-stream' : first - 1n;
      let result;
      try {
        result = await this.client.appendToStream(
          stream,
          run.map((event) => eventDataOf(asNewEvent(event))),
          {
            streamState: streamStateOf(expectedRevision),
            deadline: APPEND_DEADLINE_MS,
          },
        );
      } catch (error) {
        if (error instanceof WrongExpectedVersionError)
          throw new WrongExpectedRevisionError(stream, expectedRevision, actualRevisionOf(error.actualState));
        throw error;
      }
      const last = run[run.length - 1]!.revision;
      if (result.nextExpectedRevision !== last)
        throw new Error(`restoring ${stream}: the server put revision ${last} at ${result.nextExpectedRevision}`);
      position = result.position?.commit ?? position;
    }
    return { position: position === 0n ? await this.headPosition() : position };
  }

  async ping(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.pingTimeoutMs);
    });
    const answer = this.headPosition().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answer, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the subscriptions, then disposes the client; without `dispose()` its open calls keep the process alive. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
      await this.client.dispose();
    })();
    return this.closing;
  }
}

/**
 * A request that fails for any reason but a missing stream or a wrong revision is the server being out of reach (the bridge reports
 * connection failures with its own error types): the store is unavailable, and the cause is kept.
 */
function unavailable(error: unknown): Error {
  if (error instanceof StoreUnavailableError) return error;
  const wrapped = new StoreUnavailableError(`KurrentDB request failed: ${error instanceof Error ? error.message : String(error)}`);
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}
