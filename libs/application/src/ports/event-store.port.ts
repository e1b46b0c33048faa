/**
 * The event store port: an append-only log of streams with one global order.
 * Positions are bigints inside the process and opaque strings at the edges.
 */

/** `'no-stream'`: the stream must not exist; `'any'`: no check; a bigint: the stream's last revision must be exactly it. */
export type ExpectedRevision = 'any' | 'no-stream' | bigint;

export interface NewEvent {
  /** Unique per event; appending a stored id again at the same stream and revision is a no-op. */
  readonly eventId: string;
  /** A stable type string, never a class name. */
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

export interface RecordedEvent {
  /** Global position: strictly increasing, never repeated. */
  readonly position: bigint;
  readonly stream: string;
  /** Revision inside the stream, from 0. */
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  /** ISO instant: `metadata.recordedAt` when the writer set it, else the store's commit time. */
  readonly recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event appended (or already stored, on an idempotent retry). */
  readonly revision: bigint;
  /** Global position of the last event appended. */
  readonly position: bigint;
  /** True when the events were already stored: an idempotent retry that appended nothing. */
  readonly replayed?: boolean;
  /**
   * The `recordedAt` stored for the first event appended, when the store may have moved it forward (a log's
   * recorded time never goes backwards: see SqliteEventStore). Absent: it is the one the writer gave.
   */
  readonly recordedAt?: string;
}

export interface ReadAllOptions {
  /** Exclusive lower bound; absent or 0n reads from the start. */
  readonly after?: bigint;
  /** Stop after this many events. */
  readonly limit?: number;
  /** How many events to fetch per round trip (memory stays bounded by it). */
  readonly batchSize?: number;
}

export interface ReadStreamOptions {
  readonly fromRevision?: bigint;
  readonly limit?: number;
}

export interface SubscribeOptions {
  /** Exclusive lower bound; absent or 0n catches up from the start. */
  readonly after?: bigint;
}

/**
 * A live subscription to the global log: first every stored event after `after`, then each new one as it is
 * committed, in position order, with no gap and no duplicate at the hand-over. Iterating ends after `close()`.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /**
   * True when an event id stored in any stream is refused in every other (SQLite, in memory): a development's
   * creation event id derives from its id, so such a store itself refuses an id used for another development.
   * KurrentDB checks ids only within the appended stream.
   */
  readonly eventIdsUniqueAcrossStreams?: boolean;
  /** Appends atomically; throws WrongExpectedRevisionError or DuplicateEventIdError. */
  append(stream: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /**
   * The stream's events in revision order, from `fromRevision` (inclusive, default 0), at most `limit` of them;
   * empty if the stream does not exist.
   */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The global log after a position, fetched in batches. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last committed event, 0n when the log is empty. */
  headPosition(): Promise<bigint>;
  /** The last event of the global log (undefined when the log is empty). */
  lastEvent?(): Promise<RecordedEvent | undefined>;
  /**
   * Optional capability, for restoring an export into an empty store: writes the events as another log holds them
   * — streams, revisions, ids, types, data, metadata and recordedAt — in their order, after everything the store
   * holds, each stream continuing at exactly the revision given (else WrongExpectedRevisionError). A store that
   * takes positions (SQLite) keeps the given ones and writes each call atomically; a server that assigns its own
   * (KurrentDB) keeps their order, appending per stream. Answers the stored position of the last event. Stores without it are restored
   * through `append` with exact expected revisions (see restoreLog).
   */
  restoreBatch?(events: readonly RecordedEvent[]): Promise<{ readonly position: bigint }>;
  /** True when the store answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

export class WrongExpectedRevisionError extends Error {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's current last revision, or 'no-stream'. */
    readonly actual: bigint | 'no-stream',
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store cannot be reached or is locked right now; nothing was written. Retrying later may succeed. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** An event id already stored with other content, or in another stream or revision. */
export class DuplicateEventIdError extends Error {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`Event id ${eventId} is already stored with other content or at another place`);
    this.name = 'DuplicateEventIdError';
  }
}


const MAX_POSITION = 2n ** 63n - 1n;

export const decodePosition = (token: string): bigint | undefined => {
  if (!/^\d{1,19}$/.test(token)) return undefined;
  const position = BigInt(token);
  return position <= MAX_POSITION ? position : undefined;
};
