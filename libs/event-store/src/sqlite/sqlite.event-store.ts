/*
 * The EventStore port on SQLite. Over 300 lines for a reason: the group commit, the idempotent-retry detection,
 * the recorded-time floor and the restore all work on the same prepared statements inside one transaction, and
 * splitting them would spread one transaction's rules over several files.
 */
import Database from 'better-sqlite3';
import {
  DuplicateEventIdError,
  StoreUnavailableError,
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
import { compactMetadata, expandMetadata } from './compact-metadata';
import { checkpointWhenIdle } from './wal-checkpoint';

export interface SqliteEventStoreOptions {
  /** File path, or ':memory:' for tests. */
  readonly filename: string;
  /** `full` (default) survives power loss; `normal` survives a process crash only. */
  readonly synchronous?: 'full' | 'normal';
  /** How long to wait on a lock held by another process before failing a transaction. */
  readonly busyTimeoutMs?: number;
  /** SQLite's page cache for this connection, MiB (its default is 16); a reader of the log in order needs little. */
  readonly cacheMb?: number;
}

interface EventRow {
  position: number | bigint;
  stream: string;
  revision: number | bigint;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
  /** When a locked database stops being worth waiting for (epoch ms). */
  readonly deadline: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision),
  UNIQUE (event_id)
);`;

/**
 * The embedded event store: one SQLite file in WAL mode with a single writer.
 * Appends that arrive in the same tick are group-committed in one transaction (one fsync), each caller answered
 * only after that commit, each stream's expected revision still checked on its own (a savepoint per append).
 */
export class SqliteEventStore implements EventStore {
  readonly eventIdsUniqueAcrossStreams = true;
  private readonly db: Database.Database;
  private readonly signal = new CommitSignal();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly appendAll;
  private readonly restoreAll;
  private busyBackoffMs = 0;
  private readonly checkpointer;
  /** The newest recorded instant in the log, as of the running flush: no append is stored before it. */
  private floor = { text: '', ms: Number.NEGATIVE_INFINITY };

  constructor(private readonly options: SqliteEventStoreOptions) {
    // A short synchronous busy wait only: longer waits happen asynchronously in retryLater().
    this.db = new Database(options.filename, { timeout: 20 });
    // 4 KiB pages (SQLite's default) although 16 KiB ones would store events ~10 % denser: an append dirties a
    // leaf of each random-key index (stream, event id), and 16 KiB leaves made group commits ~1.5× slower.
    this.db.pragma('journal_mode = WAL');
    // The WAL is reused from its start after each checkpoint but never shrinks by itself: back to 4 MiB after one.
    this.db.pragma('journal_size_limit = 4194304');
    if (options.cacheMb !== undefined) this.db.pragma(`cache_size = -${Math.round(options.cacheMb * 1024)}`);
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    // Savepoint journals in memory: rolling back one append of a group commit must not cost a temp file.
    this.db.pragma('temp_store = MEMORY');
    this.db.defaultSafeIntegers(true);
    this.db.exec(SCHEMA);
    this.checkpointer = checkpointWhenIdle(() => this.db);
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: bigint | null }>('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byEventId: this.db.prepare<[string], EventRow>('SELECT * FROM events WHERE event_id = ?'),
      readStream: this.db.prepare<[string, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAfter: this.db.prepare<[bigint, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare<[], { position: bigint | null }>('SELECT max(position) AS position FROM events'),
      last: this.db.prepare<[], EventRow>('SELECT * FROM events ORDER BY position DESC LIMIT 1'),
      lastRecordedAt: this.db.prepare<[], { recorded_at: string }>('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1'),
      restore: this.db.prepare(
        'INSERT INTO events (position, stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      savepoint: this.db.prepare('SAVEPOINT append_one'),
      release: this.db.prepare('RELEASE append_one'),
      rollbackTo: this.db.prepare('ROLLBACK TO append_one'),
    };
    this.restoreAll = this.db.transaction((events: readonly RecordedEvent[]) => this.restoreRows(events));
    this.appendAll = this.db.transaction(
      (batch: PendingAppend[], outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }>) => {
        // Read inside the write transaction: another process may have appended since our last flush.
        const last = this.statements.lastRecordedAt.get()?.recorded_at;
        this.floor = last === undefined ? { text: '', ms: Number.NEGATIVE_INFINITY } : { text: last, ms: Date.parse(last) };
        for (const pending of batch) outcomes.push(this.appendOne(pending));
      },
    );
  }

  append(stream: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({
        stream,
        events,
        expectedRevision: options.expectedRevision,
        resolve,
        reject,
        deadline: Date.now() + (this.options.busyTimeoutMs ?? 5000),
      });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** One transaction for every append queued since the last flush. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const pending of batch) pending.reject(new Error('The event store is closed'));
      return;
    }
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    try {
      this.appendAll.immediate(batch, outcomes);
    } catch (error) {
      if (isBusy(error)) return this.retryLater(batch);
      // The commit itself failed (disk full): nobody was acknowledged, everybody hears why.
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.busyBackoffMs = 0;
    batch.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
    if (outcomes.some((outcome) => outcome.ok)) this.signal.notify();
  }

  /**
   * Another process holds the database: better-sqlite3 would wait synchronously and freeze the service, so the
   * batch goes back to the head of the queue and is retried with backoff until each append's deadline.
   */
  private retryLater(batch: PendingAppend[]): void {
    const now = Date.now();
    const waiting = batch.filter((pending) => {
      if (pending.deadline > now) return true;
      pending.reject(new StoreUnavailableError('The event store is locked by another process; nothing was written, retry shortly'));
      return false;
    });
    this.queue = [...waiting, ...this.queue];
    this.busyBackoffMs = Math.min(Math.max(this.busyBackoffMs * 2, 5), 100);
    if (this.queue.length > 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setTimeout(() => this.flush(), this.busyBackoffMs);
    }
  }

  /**
   * One append inside the group's transaction. The common cases cost one INSERT per event: a new stream
   * ('no-stream') needs no look-up, because UNIQUE (stream, revision) refuses revision 0 of an existing stream, and
   * retries and duplicate ids are only looked for once a UNIQUE constraint has refused the insert.
   */
  private appendOne(pending: PendingAppend): { ok: true; result: AppendResult } | { ok: false; error: unknown } {
    const { stream, events, expectedRevision } = pending;
    const statements = this.statements;
    try {
      let last: bigint | null = null;
      if (expectedRevision !== 'no-stream') {
        last = statements.lastRevision.get(stream)?.revision ?? null;
        if (expectedRevision !== 'any' && last !== expectedRevision) {
          // The stream moved on: by these very events (a retry), or by somebody else.
          const retried = this.findIdempotentRetry(pending);
          if (retried) return { ok: true, result: retried };
          return { ok: false, error: new WrongExpectedRevisionError(stream, expectedRevision, last ?? 'no-stream') };
        }
      }

      // One INSERT is atomic by itself; several need a savepoint to fail together.
      const atomic = events.length > 1;
      if (atomic) statements.savepoint.run();
      try {
        let revision = last === null ? -1n : last;
        let position = 0n;
        let firstRecordedAt: string | undefined;
        const fallbackRecordedAt = new Date().toISOString();
        for (const event of events) {
          revision += 1n;
          const given = typeof event.metadata.recordedAt === 'string' ? event.metadata.recordedAt : fallbackRecordedAt;
          const { recordedAt, metadata } = this.notBeforeFloor(given, event.metadata);
          const info = statements.insert.run(
            stream,
            revision,
            event.eventId,
            event.type,
            JSON.stringify(event.data),
            compactMetadata(metadata, event.eventId, recordedAt),
            recordedAt,
          );
          position = BigInt(info.lastInsertRowid);
          firstRecordedAt ??= recordedAt;
        }
        if (atomic) statements.release.run();
        const moved = firstRecordedAt !== undefined && firstRecordedAt !== events[0]!.metadata.recordedAt;
        return { ok: true, result: moved ? { revision, position, recordedAt: firstRecordedAt } : { revision, position } };
      } catch (error) {
        if (atomic) {
          statements.rollbackTo.run();
          statements.release.run();
        }
        if (!isUniqueViolation(error)) throw error;
        // Refused by a constraint: a retry of stored events, an id stored elsewhere, or a stream that exists.
        const retried = this.findIdempotentRetry(pending);
        if (retried) return { ok: true, result: retried };
        const duplicate = events.find((event) => statements.byEventId.get(event.eventId));
        if (duplicate) return { ok: false, error: new DuplicateEventIdError(duplicate.eventId) };
        const actual = statements.lastRevision.get(stream)?.revision ?? null;
        return { ok: false, error: new WrongExpectedRevisionError(stream, expectedRevision, actual ?? 'no-stream') };
      }
    } catch (error) {
      return { ok: false, error };
    }
  }

  /**
   * Recorded time never goes backwards across the log: an event stamped before the newest one stored (a writer in
   * another process, a batch decided before a single write committed, a log restored from a clock ahead of ours)
   * is stored at that newest instant instead, in its metadata too, so every reader sees the same instant.
   */
  private notBeforeFloor(given: string, metadata: Record<string, unknown>): { recordedAt: string; metadata: Record<string, unknown> } {
    const ms = Date.parse(given);
    if (!(ms < this.floor.ms)) {
      if (!Number.isNaN(ms)) this.floor = { text: given, ms };
      return { recordedAt: given, metadata };
    }
    const recordedAt = this.floor.text;
    return { recordedAt, metadata: typeof metadata.recordedAt === 'string' ? { ...metadata, recordedAt } : metadata };
  }

  /**
   * Writes an export's events as they are, positions included, in one transaction (see the port). Refuses, with
   * nothing of the batch written, an event at or below the head or a stream not at the revision before its event.
   */
  restoreBatch(events: readonly RecordedEvent[]): Promise<{ readonly position: bigint }> {
    if (events.length === 0) return Promise.resolve({ position: this.statements.head.get()?.position ?? 0n });
    try {
      this.restoreAll.immediate(events);
    } catch (error) {
      if (isBusy(error))
        return Promise.reject(new StoreUnavailableError('The event store is locked by another process; nothing was written'));
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.signal.notify();
    return Promise.resolve({ position: events[events.length - 1]!.position });
  }

  private restoreRows(events: readonly RecordedEvent[]): void {
    const statements = this.statements;
    let head = statements.head.get()?.position ?? 0n;
    const next = new Map<string, bigint>();
    for (const event of events) {
      if (event.position <= head) throw new Error(`restore: position ${event.position} is not after the store's ${head}`);
      let due = next.get(event.stream);
      if (due === undefined) {
        const last = statements.lastRevision.get(event.stream)?.revision ?? null;
        due = last === null ? 0n : last + 1n;
      }
      if (event.revision !== due)
        throw new WrongExpectedRevisionError(
          event.stream,
          event.revision === 0n ? 'no-stream' : event.revision - 1n,
          due === 0n ? 'no-stream' : due - 1n,
        );
      statements.restore.run(
        event.position,
        event.stream,
        event.revision,
        event.eventId,
        event.type,
        JSON.stringify(event.data),
        compactMetadata(event.metadata, event.eventId, event.recordedAt),
        event.recordedAt,
      );
      next.set(event.stream, due + 1n);
      head = event.position;
    }
  }

  /** A retry of an append that already committed: the same ids, in the same stream, at the same revisions, with the same content. */
  private findIdempotentRetry({ stream, events, expectedRevision }: PendingAppend): AppendResult | undefined {
    const first = this.statements.byEventId.get(events[0]!.eventId);
    if (!first) return undefined;
    const firstRevision = BigInt(first.revision);
    const expectedFirst = expectedRevision === 'any' ? firstRevision : expectedRevision === 'no-stream' ? 0n : expectedRevision + 1n;
    let result: AppendResult | undefined;
    for (const [index, event] of events.entries()) {
      const stored = index === 0 ? first : this.statements.byEventId.get(event.eventId);
      const same =
        stored !== undefined &&
        stored.stream === stream &&
        BigInt(stored.revision) === expectedFirst + BigInt(index) &&
        stored.type === event.type &&
        stored.data === JSON.stringify(event.data);
      if (!same) throw new DuplicateEventIdError(event.eventId);
      result = { revision: BigInt(stored.revision), position: BigInt(stored.position), replayed: true };
    }
    return result;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return Promise.resolve(this.statements.readStream.all(stream, options.fromRevision ?? 0n, options.limit ?? -1).map(toRecorded));
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let after = options.after ?? 0n;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    const batchSize = options.batchSize ?? 1000;
    while (remaining > 0) {
      const rows = this.statements.readAfter.all(after, Math.min(batchSize, remaining));
      for (const row of rows) yield toRecorded(row);
      if (rows.length < Math.min(batchSize, remaining)) return;
      remaining -= rows.length;
      after = BigInt(rows[rows.length - 1]!.position);
    }
  }

  /** Synchronous batch read, for callers that stream the log fast (rebuilds, benchmarks). */
  readBatch(after: bigint, limit: number): RecordedEvent[] {
    return this.statements.readAfter.all(after, limit).map(toRecorded);
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = tailingSubscription((after, limit) => this.readBatch(after, limit), this.signal, { after: options.after });
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
    return Promise.resolve(this.statements.head.get()?.position ?? 0n);
  }

  lastEvent(): Promise<RecordedEvent | undefined> {
    const row = this.statements.last.get();
    return Promise.resolve(row ? toRecorded(row) : undefined);
  }

  /** Ready means writable: a locked file answers false, not a stale true. */
  ping(): Promise<boolean> {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      this.db.exec('ROLLBACK');
      return Promise.resolve(true);
    } catch {
      return Promise.resolve(false);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    // Let appends already queued commit: an acknowledged write is never dropped at shutdown.
    if (this.queue.length > 0) this.flush();
    this.checkpointer.stop();
    if (this.db.open) this.db.close();
  }

  get filename(): string {
    return this.options.filename;
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    position: BigInt(row.position),
    stream: row.stream,
    revision: BigInt(row.revision),
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: expandMetadata(row.metadata, row.event_id, row.recorded_at),
    recordedAt: row.recorded_at,
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
