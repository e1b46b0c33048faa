import type Database from 'better-sqlite3';
import type { AppendResult, ExpectedRevision } from '@annals/application';
import { compactMetadata, expandMetadata } from './compact-metadata';

/** An event as the writing connection receives it: its data and metadata already the JSON that is stored. */
export interface EventToStore {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  /** Compacted with `recordedAt` (see compactMetadata). */
  readonly metadata: string;
  /** The metadata's `recordedAt`, when it has one (a string). */
  readonly recordedAt: string | null;
}

/** One caller's append. */
export interface AppendRequest {
  readonly stream: string;
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly EventToStore[];
}

/**
 * A group of appends as columns: what crosses to the writer thread. A structured clone of thousands of small
 * objects costs the request thread more than the commit saves it; a few arrays cost little, and the JSON
 * columns, the bulk of it, are one string each (JSON text never holds a raw U+0000, so it separates them).
 */
export interface AppendGroup<Json = string> {
  /** Per append: its stream, expected revision and number of events. */
  readonly streams: string[];
  readonly expected: ExpectedRevision[];
  readonly counts: number[];
  /** Per event, the appends' events one after another. */
  readonly eventIds: string[];
  readonly types: string[];
  readonly data: Json;
  readonly metadata: Json;
  readonly recordedAt: Array<string | null>;
}

const SEPARATOR = '\u0000';

export function encodeGroup(requests: readonly AppendRequest[]): AppendGroup {
  const group: AppendGroup<string[]> = {
    streams: [],
    expected: [],
    counts: [],
    eventIds: [],
    types: [],
    data: [],
    metadata: [],
    recordedAt: [],
  };
  for (const request of requests) {
    group.streams.push(request.stream);
    group.expected.push(request.expectedRevision);
    group.counts.push(request.events.length);
    for (const event of request.events) {
      group.eventIds.push(event.eventId);
      group.types.push(event.type);
      group.data.push(event.data);
      group.metadata.push(event.metadata);
      group.recordedAt.push(event.recordedAt);
    }
  }
  return { ...group, data: group.data.join(SEPARATOR), metadata: group.metadata.join(SEPARATOR) };
}

/** The stored form of an event, as a caller hands it to the store. */
export function eventToStore(event: {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}): EventToStore {
  const recordedAt = typeof event.metadata.recordedAt === 'string' ? event.metadata.recordedAt : null;
  return {
    eventId: event.eventId,
    type: event.type,
    data: JSON.stringify(event.data),
    metadata: compactMetadata(event.metadata, event.eventId, recordedAt ?? ''),
    recordedAt,
  };
}

/** One append of a group: the range of its events in the group's columns. */
interface Slice {
  readonly group: AppendGroup<string[]>;
  readonly index: number;
  readonly first: number;
}

/** Why one append of a group was refused, as plain data (the caller's side turns it into the port's errors). */
export type AppendRefusal =
  | {
      readonly reason: 'wrong-revision';
      readonly stream: string;
      readonly expected: ExpectedRevision;
      readonly actual: bigint | 'no-stream';
    }
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
    this.appendAll = db.transaction((group: AppendGroup<string[]>, outcomes: AppendOutcome[]) => {
      // Read inside the write transaction: another process may have appended since our last group.
      const last = this.statements.lastRecordedAt.get()?.recorded_at;
      this.floor = last === undefined ? { text: '', ms: Number.NEGATIVE_INFINITY } : { text: last, ms: Date.parse(last) };
      let first = 0;
      for (let index = 0; index < group.streams.length; index++) {
        outcomes.push(this.appendOne({ group, index, first }));
        first += group.counts[index]!;
      }
    });
  }

  commit(group: AppendGroup): GroupOutcome {
    const outcomes: AppendOutcome[] = [];
    try {
      this.appendAll.immediate({ ...group, data: group.data.split(SEPARATOR), metadata: group.metadata.split(SEPARATOR) }, outcomes);
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
  private appendOne(slice: Slice): AppendOutcome {
    const { group, index, first } = slice;
    const stream = group.streams[index]!;
    const expectedRevision = group.expected[index]!;
    const count = group.counts[index]!;
    const statements = this.statements;
    try {
      let last: bigint | null = null;
      if (expectedRevision !== 'no-stream') {
        last = statements.lastRevision.get(stream)?.revision ?? null;
        if (expectedRevision !== 'any' && last !== expectedRevision) {
          // The stream moved on: by these very events (a retry), or by somebody else.
          const retried = this.findIdempotentRetry(slice);
          if (retried) return retried;
          return { ok: false, refusal: { reason: 'wrong-revision', stream, expected: expectedRevision, actual: last ?? 'no-stream' } };
        }
      }

      // One INSERT is atomic by itself; several need a savepoint to fail together.
      const atomic = count > 1;
      if (atomic) statements.savepoint.run();
      try {
        let revision = last === null ? -1n : last;
        let position = 0n;
        let firstRecordedAt: string | undefined;
        const fallbackRecordedAt = new Date().toISOString();
        for (let event = first; event < first + count; event++) {
          revision += 1n;
          const eventId = group.eventIds[event]!;
          const given = group.recordedAt[event] ?? fallbackRecordedAt;
          const recordedAt = this.notBeforeFloor(given);
          const metadata =
            recordedAt === given || group.recordedAt[event] === null
              ? group.metadata[event]!
              : movedMetadata(group.metadata[event]!, eventId, given, recordedAt);
          const info = statements.insert.run(stream, revision, eventId, group.types[event]!, group.data[event]!, metadata, recordedAt);
          position = BigInt(info.lastInsertRowid);
          firstRecordedAt ??= recordedAt;
        }
        if (atomic) statements.release.run();
        const moved = firstRecordedAt !== undefined && firstRecordedAt !== group.recordedAt[first];
        return { ok: true, result: moved ? { revision, position, recordedAt: firstRecordedAt } : { revision, position } };
      } catch (error) {
        if (atomic) {
          statements.rollbackTo.run();
          statements.release.run();
        }
        if (!codeOf(error)?.startsWith('SQLITE_CONSTRAINT')) throw error;
        // Refused by a constraint: a retry of stored events, an id stored elsewhere, or a stream that exists.
        const retried = this.findIdempotentRetry(slice);
        if (retried) return retried;
        const duplicate = group.eventIds.slice(first, first + count).find((eventId) => statements.byEventId.get(eventId));
        if (duplicate) return { ok: false, refusal: { reason: 'duplicate-id', eventId: duplicate } };
        const actual = statements.lastRevision.get(stream)?.revision ?? null;
        return { ok: false, refusal: { reason: 'wrong-revision', stream, expected: expectedRevision, actual: actual ?? 'no-stream' } };
      }
    } catch (error) {
      const code = codeOf(error);
      return {
        ok: false,
        refusal: { reason: 'error', message: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) },
      };
    }
  }

  /**
   * Recorded time never goes backwards across the log: an event stamped before the newest one stored (a writer in
   * another process, a batch decided before a single write committed, a log restored from a clock ahead of ours)
   * is stored at that newest instant instead, in its metadata too, so every reader sees the same instant.
   */
  private notBeforeFloor(given: string): string {
    const ms = Date.parse(given);
    if (!(ms < this.floor.ms)) {
      if (!Number.isNaN(ms)) this.floor = { text: given, ms };
      return given;
    }
    return this.floor.text;
  }

  /**
   * A retry of an append that already committed: the same ids, in the same stream, at the same revisions, with the
   * same content. Ids stored elsewhere or with other content: refused as duplicates.
   */
  private findIdempotentRetry({ group, index, first }: Slice): AppendOutcome | undefined {
    const stream = group.streams[index]!;
    const expectedRevision = group.expected[index]!;
    const stored0 = this.statements.byEventId.get(group.eventIds[first]!);
    if (!stored0) return undefined;
    const firstRevision = BigInt(stored0.revision);
    const expectedFirst = expectedRevision === 'any' ? firstRevision : expectedRevision === 'no-stream' ? 0n : expectedRevision + 1n;
    let result: AppendResult | undefined;
    for (let offset = 0; offset < group.counts[index]!; offset++) {
      const event = first + offset;
      const eventId = group.eventIds[event]!;
      const stored = offset === 0 ? stored0 : this.statements.byEventId.get(eventId);
      const same =
        stored !== undefined &&
        stored.stream === stream &&
        BigInt(stored.revision) === expectedFirst + BigInt(offset) &&
        stored.type === group.types[event] &&
        stored.data === group.data[event];
      if (!same) return { ok: false, refusal: { reason: 'duplicate-id', eventId } };
      result = { revision: BigInt(stored.revision), position: BigInt(stored.position), replayed: true };
    }
    return result && { ok: true, result };
  }
}

/** The stored metadata of an event moved to the floor: its `recordedAt` says the instant stored. */
function movedMetadata(compact: string, eventId: string, given: string, recordedAt: string): string {
  const metadata = expandMetadata(compact, eventId, given);
  return compactMetadata({ ...metadata, recordedAt }, eventId, recordedAt);
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
