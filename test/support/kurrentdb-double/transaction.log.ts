/**
 * The double's storage: one transaction log ($all) and per-stream indexes, with the write rules of a real
 * KurrentDB node. The commit check mirrors the server's `IndexWriter.CheckCommit`, including its idempotency
 * rules, because the adapter under test relies on them.
 */

export interface StoredEvent {
  /** Log position. Events written over gRPC commit themselves, so commit position = prepare position. */
  readonly position: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends them. */
  readonly created: bigint;
}

export interface ProposedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'stream-exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/** `currentRevision` is -1n when the stream has no events (the server's ExpectedVersion.NoStream). */
export type CommitOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: bigint; readonly position: bigint }
  | { readonly kind: 'nothing-written'; readonly currentRevision: bigint }
  | { readonly kind: 'wrong-expected-version'; readonly currentRevision: bigint };

const NO_STREAM = -1n;
/** A real log starts with a chunk header and an epoch record, so the first event is never at position 0. */
const FIRST_POSITION = 4096n;
/** Fixed part of a prepare record; positions are byte offsets, so they grow by the record size, not by 1. */
const RECORD_OVERHEAD = 90n;
const TICKS_PER_MS = 10_000n;

export class TransactionLog {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** The server's committed-events cache: event id -> last record written with it (used for ANY/STREAM_EXISTS). */
  private readonly byEventId = new Map<string, StoredEvent>();
  private readonly listeners = new Set<() => void>();
  private nextPosition = FIRST_POSITION;

  /** The live array of all events in log order. Callers must treat it as read-only. */
  get all(): readonly StoredEvent[] {
    return this.log;
  }

  stream(name: string): readonly StoredEvent[] {
    return this.streams.get(name) ?? [];
  }

  currentRevision(stream: string): bigint {
    return BigInt(this.stream(stream).length) - 1n;
  }

  /** Index of the first event at or after `position` in the log (binary search: positions are sorted). */
  indexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.log[middle]!.position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Called synchronously after every commit; returns an unsubscribe function. */
  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(stream: string, expected: ExpectedState, events: readonly ProposedEvent[]): CommitOutcome {
    const current = this.currentRevision(stream);
    // Like the server, a stream with metadata (`$$stream`) but no events yet counts as existing.
    if (expected.kind === 'stream-exists' && current === NO_STREAM && this.currentRevision(`$$${stream}`) === NO_STREAM) {
      return { kind: 'wrong-expected-version', currentRevision: current };
    }

    if (expected.kind === 'any' || expected.kind === 'stream-exists') {
      // Best-effort idempotency by event id: if the first id is known in this stream, every id must be.
      let last: StoredEvent | undefined;
      for (const event of events) {
        const known = this.byEventId.get(event.eventId);
        if (!known || known.stream !== stream) {
          if (last === undefined) return this.commit(stream, current, events);
          return { kind: 'wrong-expected-version', currentRevision: current }; // the server's CorruptedIdempotency
        }
        last = known;
      }
      if (last === undefined) return this.commit(stream, current, events);
      return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
    }

    const expectedRevision = expected.kind === 'no-stream' ? NO_STREAM : expected.revision;
    if (expectedRevision < current) {
      // A retry at an old expected revision succeeds only if exactly these ids follow that revision.
      const stored = this.stream(stream);
      let revision = expectedRevision;
      for (const event of events) {
        revision += 1n;
        if (stored[Number(revision)]?.eventId !== event.eventId) return { kind: 'wrong-expected-version', currentRevision: current };
      }
      if (revision === expectedRevision) return { kind: 'wrong-expected-version', currentRevision: current };
      return { kind: 'idempotent', lastRevision: revision, position: stored[Number(revision)]!.position };
    }
    if (expectedRevision > current) return { kind: 'wrong-expected-version', currentRevision: current };
    return this.commit(stream, current, events);
  }

  /** Writes the whole batch at once: nothing can interleave with it, so it is atomic and contiguous in $all. */
  private commit(stream: string, current: bigint, events: readonly ProposedEvent[]): CommitOutcome {
    if (events.length === 0) return { kind: 'nothing-written', currentRevision: current };
    const streamEvents = this.streams.get(stream) ?? [];
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    let stored: StoredEvent | undefined;
    for (const event of events) {
      stored = { ...event, stream, position: this.nextPosition, revision: BigInt(streamEvents.length), created };
      this.nextPosition += RECORD_OVERHEAD + BigInt(stream.length + event.type.length + event.data.length + event.customMetadata.length);
      streamEvents.push(stored);
      this.log.push(stored);
      this.byEventId.set(event.eventId, stored);
    }
    this.streams.set(stream, streamEvents);
    for (const listener of [...this.listeners]) listener();
    return { kind: 'written', lastRevision: stored!.revision, position: stored!.position };
  }
}
