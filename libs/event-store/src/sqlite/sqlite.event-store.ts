/*
 * The EventStore port on SQLite. Over 300 lines for a reason: the group commit's queue, its retries of a locked
 * file, the restore and the reads share one connection and one set of prepared statements, and splitting them
 * would spread one connection's rules over several files. The transaction itself is SqliteAppender's.
 */
import type Database from 'better-sqlite3';
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
import { SqliteAppender, encodeGroup, eventToStore, type AppendRefusal, type AppendRequest, type GroupOutcome } from './sqlite.appender';
import { openLogConnection } from './sqlite.connection';
import { SqliteWriterThread } from './sqlite.writer-thread';
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
  /**
   * Where group commits run: `inline` (default) on this connection, or `thread`: on a connection of their own in a
   * writer thread, so the caller's event loop goes on while a commit's inserts and fsync run (the service's writes).
   * Reads stay on this connection either way (WAL: readers never wait for the writer).
   */
  readonly writer?: 'inline' | 'thread';
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
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
  /** When a locked database stops being worth waiting for (epoch ms). */
  readonly deadline: number;
}

/**
 * The embedded event store: one SQLite file in WAL mode with a single writer.
 * Appends that arrive in the same tick are group-committed in one transaction (one fsync), each caller answered
 * only after that commit, each stream's expected revision still checked on its own (a savepoint per append).
 * With the writer thread, appends that arrive while a group commits form the next group.
 */
export class SqliteEventStore implements EventStore {
  readonly eventIdsUniqueAcrossStreams = true;
  private readonly db: Database.Database;
  private readonly signal = new CommitSignal();
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** The group on the writer thread, while it commits. */
  private committing?: Promise<void>;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements;
  private readonly restoreAll;
  private readonly appender?: SqliteAppender;
  private readonly writer?: SqliteWriterThread;
  private busyBackoffMs = 0;
  private readonly checkpointer;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.db = openLogConnection(options.filename, options);
    this.checkpointer = checkpointWhenIdle(() => this.db);
    this.statements = {
      lastRevision: this.db.prepare<[string], { revision: bigint | null }>('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      readStream: this.db.prepare<[string, bigint, number], EventRow>(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      readAfter: this.db.prepare<[bigint, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      head: this.db.prepare<[], { position: bigint | null }>('SELECT max(position) AS position FROM events'),
      last: this.db.prepare<[], EventRow>('SELECT * FROM events ORDER BY position DESC LIMIT 1'),
      restore: this.db.prepare(
        'INSERT INTO events (position, stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
    this.restoreAll = this.db.transaction((events: readonly RecordedEvent[]) => this.restoreRows(events));
    // An in-memory database is this connection's alone: no other thread could write it.
    if (options.writer === 'thread' && options.filename !== ':memory:')
      this.writer = new SqliteWriterThread({ filename: options.filename, synchronous: options.synchronous });
    else this.appender = new SqliteAppender(this.db);
  }

  append(stream: string, events: readonly NewEvent[], options: { expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise<AppendResult>((resolve, reject) => {
      const request: AppendRequest = {
        stream,
        expectedRevision: options.expectedRevision,
        events: events.map(eventToStore),
      };
      this.queue.push({ request, resolve, reject, deadline: Date.now() + (this.options.busyTimeoutMs ?? 5000) });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** One transaction for every append queued since the last group (on the writer thread: once it is free). */
  private flush(): void {
    this.flushScheduled = false;
    if (this.committing) return;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (!this.db.open) {
      for (const pending of batch) pending.reject(new Error('The event store is closed'));
      return;
    }
    const requests = encodeGroup(batch.map((pending) => pending.request));
    if (!this.writer) return this.settle(batch, this.appender!.commit(requests));
    this.committing = this.writer.commit(requests).then(
      (outcome) => this.settled(batch, outcome),
      (error: unknown) => this.settled(batch, { committed: false, busy: false, message: String(error) }),
    );
  }

  private settled(batch: PendingAppend[], outcome: GroupOutcome): void {
    this.committing = undefined;
    this.settle(batch, outcome);
    // What queued while the group committed is the next group, at once.
    if (this.queue.length > 0 && !this.flushScheduled) this.flush();
  }

  private settle(batch: PendingAppend[], outcome: GroupOutcome): void {
    if (!outcome.committed) {
      if (outcome.busy) return this.retryLater(batch);
      // The commit itself failed (disk full): nobody was acknowledged, everybody hears why.
      const error = Object.assign(new Error(outcome.message), outcome.code ? { code: outcome.code } : {});
      for (const pending of batch) pending.reject(error);
      return;
    }
    this.busyBackoffMs = 0;
    batch.forEach((pending, index) => {
      const result = outcome.outcomes[index]!;
      if (result.ok) pending.resolve(result.result);
      else pending.reject(refusalError(result.refusal));
    });
    if (outcome.outcomes.some((result) => result.ok)) this.signal.notify();
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
    // The writer thread's own commits hold the lock at times: asked there, they come before the ping, not against it.
    if (this.writer) return this.writer.ping().catch(() => false);
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
    await this.committing;
    if (this.queue.length > 0) this.flush();
    await this.committing;
    await this.writer?.close();
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

function refusalError(refusal: AppendRefusal): Error {
  switch (refusal.reason) {
    case 'wrong-revision':
      return new WrongExpectedRevisionError(refusal.stream, refusal.expected, refusal.actual);
    case 'duplicate-id':
      return new DuplicateEventIdError(refusal.eventId);
    case 'error':
      return Object.assign(new Error(refusal.message), refusal.code ? { code: refusal.code } : {});
  }
}
