import type Database from 'better-sqlite3';
import type { AppendResult, ExpectedRevision } from '@annals/application';
import { compactMetadata } from './compact-metadata';

/** An event as the writing connection receives it: its data already the JSON that is stored (and compared). */
export interface EventToStore {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One caller's append, as plain data: it may cross to the writer thread. */
export interface AppendRequest {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly EventToStore[];
}

/** Why one append of a group was refused, as plain data (the caller's side turns it into the port's errors). */
export type AppendRefusal =
  | { readonly reason: 'wrong-revision'; readonly stream: string; readonly expected: ExpectedRevision; readonly actual: bigint | 'no-stream' }
  | { readonly reason: 'duplicate-id'; readonly eventId: string }
  | { readonly reason: 'error'; readonly message: string; readonly code?: string };

export type AppendOutcome = { readonly ok: true; readonly result: AppendResult } | { readonly ok: false; readonly refusal: AppendRefusal };

/** A group commit's fate: each append's outcome, or the whole transaction not made (nobody acknowledged). */
export type GroupOutcome =
  | { readonly committed: true; readonly outcomes: readonly AppendOutcome[] }
  | { readonly committed: false; readonly busy: boolean; readonly message: string; readonly code?: string };

/**
 * The group commit on one connection: every queued append in one transaction (one fsync), each stream's expected
 * revision checked on its own (a savepoint per append of several events). The same code runs on the request
 * thread or on the writer thread (see SqliteWriterThread).
 */
export class SqliteAppender {
  private readonly statements;
  private readonly appendAll;
  /** The newest recorded instant in the log, as of the running transaction: no append is stored before it. */
  private floor = { text: '', ms: Number.NEGATIVE_INFINITY };

  constructor(db: Database.Database) {
    this.statements = {
      lastRevision: db.prepare<[string], { revision: bigint | null }>('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      insert: db.prepare('INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      byEventId: db.prepare<[string], { stream: string; revision: bigint; position: bigint; type: string; data: string }>(
        'SELECT stream, revision, position, type, data FROM events WHERE event_id = ?',
      ),
      lastRecordedAt: db.prepare<[], { recorded_at: string }>('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1'),
      savepoint: db.prepare('SAVEPOINT append_one'),
      release: db.prepare('RELEASE append_one'),
      rollbackTo: db.prepare('ROLLBACK TO append_one'),
    };
    this.appendAll = db.transaction((batch: readonly AppendRequest[], outcomes: AppendOutcome[]) => {
      // Read inside the write transaction: another process may have appended since our last group.
      const last = this.statements.lastRecordedAt.get()?.recorded_at;
      this.floor = last === undefined ? { text: '', ms: Number.NEGATIVE_INFINITY } : { text: last, ms: Date.parse(last) };
      for (const request of batch) outcomes.push(this.appendOne(request));
    });
  }

  commit(batch: readonly AppendRequest[]): GroupOutcome {
    const outcomes: AppendOutcome[] = [];
    try {
      this.appendAll.immediate(batch, outcomes);
      return { committed: true, outcomes };
    } catch (error) {
      const code = codeOf(error);
      const busy = code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
      return { committed: false, busy, message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
    }
  }

  /**
   * One append inside the group's transaction. The common cases cost one INSERT per event: a new stream
   * ('no-stream') needs no look-up, because UNIQUE (stream, revision) refuses revision 0 of an existing stream, and
   * retries and duplicate ids are only looked for once a UNIQUE constraint has refused the insert.
   */
  private appendOne(request: AppendRequest): AppendOutcome {
    const { stream, events, expectedRevision } = request;
    const statements = this.statements;
    try {
      let last: bigint | null = null;
      if (expectedRevision !== 'no-stream') {
        last = statements.lastRevision.get(stream)?.revision ?? null;
        if (expectedRevision !== 'any' && last !== expectedRevision) {
          // The stream moved on: by these very events (a retry), or by somebody else.
          const retried = this.findIdempotentRetry(request);
          if (retried) return retried;
          return { ok: false, refusal: { reason: 'wrong-revision', stream, expected: expectedRevision, actual: last ?? 'no-stream' } };
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
            event.data,
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
        if (!codeOf(error)?.startsWith('SQLITE_CONSTRAINT')) throw error;
        // Refused by a constraint: a retry of stored events, an id stored elsewhere, or a stream that exists.
        const retried = this.findIdempotentRetry(request);
        if (retried) return retried;
        const duplicate = events.find((event) => statements.byEventId.get(event.eventId));
        if (duplicate) return { ok: false, refusal: { reason: 'duplicate-id', eventId: duplicate.eventId } };
        const actual = statements.lastRevision.get(stream)?.revision ?? null;
        return { ok: false, refusal: { reason: 'wrong-revision', stream, expected: expectedRevision, actual: actual ?? 'no-stream' } };
      }
    } catch (error) {
      const code = codeOf(error);
      return { ok: false, refusal: { reason: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) } };
    }
  }

  /**
   * Recorded time never goes backwards across the log: an event stamped before the newest one stored (a writer in
   * another process, a batch decided before a single write committed, a log restored from a clock ahead of ours)
   * is stored at that newest instant instead, in its metadata too, so every reader sees the same instant.
   */
  private notBeforeFloor(given: string, metadata: Readonly<Record<string, unknown>>): { recordedAt: string; metadata: Readonly<Record<string, unknown>> } {
    const ms = Date.parse(given);
    if (!(ms < this.floor.ms)) {
      if (!Number.isNaN(ms)) this.floor = { text: given, ms };
      return { recordedAt: given, metadata };
    }
    const recordedAt = this.floor.text;
    return { recordedAt, metadata: typeof metadata.recordedAt === 'string' ? { ...metadata, recordedAt } : metadata };
  }

  /**
   * A retry of an append that already committed: the same ids, in the same stream, at the same revisions, with the
   * same content. Ids stored elsewhere or with other content: refused as duplicates.
   */
  private findIdempotentRetry({ stream, events, expectedRevision }: AppendRequest): AppendOutcome | undefined {
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
        stored.data === event.data;
      if (!same) return { ok: false, refusal: { reason: 'duplicate-id', eventId: event.eventId } };
      result = { revision: BigInt(stored.revision), position: BigInt(stored.position), replayed: true };
    }
    return result && { ok: true, result };
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
