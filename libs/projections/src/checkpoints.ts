import { sql } from 'kysely';
import type { EventStore } from '@annals/application';
import { createCheckpointTable, type ReadDialect, type ViewDb } from '@annals/read-store';
import type { Projection } from './projection';

/** Where a projection stands: the last event applied, by position and id (the id ties the views to their log). */
export interface Checkpoint {
  readonly name: string;
  readonly position: bigint;
  readonly version: number;
  /** The id of the event at `position`; null when nothing was applied yet, or in views older than log identity. */
  readonly eventId: string | null;
}

export interface LogPoint {
  readonly position: bigint;
  readonly eventId: string | null;
}

/**
 * Checkpoint storage: `projection_checkpoints` (one row per projection) and `projection_log` (the identity of
 * the log the views were built from: its first event). Both are written in the views' own transactions.
 */
export async function prepareCheckpoints(db: ViewDb, dialect: ReadDialect): Promise<void> {
  await createCheckpointTable(db);
  const columns =
    dialect === 'sqlite'
      ? (await sql<{ name: string }>`SELECT name FROM pragma_table_info('projection_checkpoints')`.execute(db)).rows
      : (
          await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'projection_checkpoints'`.execute(db)
        ).rows;
  // Views kept before log identity: the column is added, empty; the next batch fills it.
  if (!columns.some((column) => column.name === 'event_id'))
    await sql`ALTER TABLE projection_checkpoints ADD COLUMN event_id TEXT`.execute(db).catch(() => undefined);
  await sql`CREATE TABLE IF NOT EXISTS projection_log (id INTEGER PRIMARY KEY, first_event_id TEXT NOT NULL, first_position BIGINT NOT NULL)`.execute(
    db,
  );
}

export async function readCheckpoints(db: ViewDb): Promise<Checkpoint[]> {
  const { rows } = await sql<{ name: string; position: unknown; version: unknown; event_id: string | null }>`
    SELECT name, position, version, event_id FROM projection_checkpoints`.execute(db);
  return rows.map((row) => ({
    name: row.name,
    position: BigInt(Number(row.position)),
    version: Number(row.version),
    eventId: row.event_id,
  }));
}

/** A projection seen for the first time starts at 0 with the code's version; an existing row is left alone. */
export async function insertCheckpoint(db: ViewDb, projection: Projection): Promise<void> {
  await sql`INSERT INTO projection_checkpoints (name, position, version) VALUES (${projection.name}, 0, ${projection.version})
    ON CONFLICT (name) DO NOTHING`.execute(db);
}

/**
 * Compare-and-set: moves the checkpoint only if it still is at `from` (another runner moving it makes the
 * batch roll back). The version is left as it is: a projection whose views are of an older version keeps
 * saying so until the rebuild of the new version is swapped in.
 */
export async function advanceCheckpoint(tx: ViewDb, name: string, from: bigint, to: LogPoint): Promise<boolean> {
  const result = await sql`UPDATE projection_checkpoints SET position = ${Number(to.position)}, event_id = ${to.eventId}
    WHERE name = ${name} AND position = ${Number(from)}`.execute(tx);
  return result.numAffectedRows === 1n;
}

/** The checkpoint of views just swapped in: their position, and the version of the code that built them. */
export async function saveCheckpoint(tx: ViewDb, projection: Projection, at: LogPoint): Promise<void> {
  await sql`INSERT INTO projection_checkpoints (name, position, version, event_id)
    VALUES (${projection.name}, ${Number(at.position)}, ${projection.version}, ${at.eventId})
    ON CONFLICT (name) DO UPDATE SET position = ${Number(at.position)}, version = ${projection.version}, event_id = ${at.eventId}`.execute(
    tx,
  );
}

/** Records the log's first event, once, when the views first take one in. */
export async function saveLogIdentity(tx: ViewDb, first: LogPoint | undefined): Promise<void> {
  if (!first?.eventId) return;
  await sql`INSERT INTO projection_log (id, first_event_id, first_position) VALUES (1, ${first.eventId}, ${Number(first.position)})
    ON CONFLICT (id) DO NOTHING`.execute(tx);
}

/** Views kept before log identity (or a first start on an empty log): the log's first event, once there is one. */
export async function recordLogIdentityIfMissing(db: ViewDb, store: EventStore): Promise<void> {
  const { rows } = await sql<{ id: number }>`SELECT id FROM projection_log WHERE id = 1`.execute(db);
  if (rows.length === 0) await saveLogIdentity(db, await eventAt(store, 0n));
}

export async function forgetLogIdentity(tx: ViewDb): Promise<void> {
  await sql`DELETE FROM projection_log`.execute(tx);
}

async function eventAt(store: EventStore, position: bigint): Promise<LogPoint | undefined> {
  for await (const event of store.readAll({ after: position > 0n ? position - 1n : 0n, limit: 1, batchSize: 1 }))
    return { position: event.position, eventId: event.eventId };
  return undefined;
}

/**
 * Whether these views were built from this log: its first event must be the one recorded, and each checkpoint's
 * event must be in the log at its position (a log replaced by another, or restored from an older backup, fails
 * one or the other). A few point reads, whatever the size of the log. Returns why they do not match, if not.
 */
export async function logMismatch(db: ViewDb, store: EventStore, checkpoints: readonly Checkpoint[]): Promise<string | undefined> {
  const { rows } = await sql<{ first_event_id: string; first_position: unknown }>`
    SELECT first_event_id, first_position FROM projection_log WHERE id = 1`.execute(db);
  const recorded = rows[0];
  const first = await eventAt(store, 0n);
  if (recorded && first?.eventId !== recorded.first_event_id)
    return first
      ? `the log's first event is ${first.eventId}, the views were built from a log starting with ${recorded.first_event_id}`
      : `the log is empty, the views were built from a log starting with ${recorded.first_event_id}`;
  for (const checkpoint of checkpoints) {
    if (checkpoint.position === 0n) continue;
    const found = await eventAt(store, checkpoint.position);
    if (!found || found.position !== checkpoint.position)
      return `${checkpoint.name} is at position ${checkpoint.position}, which this log does not have`;
    if (checkpoint.eventId !== null && found.eventId !== checkpoint.eventId)
      return `${checkpoint.name} is at event ${checkpoint.eventId}, this log has ${found.eventId} at position ${checkpoint.position}`;
  }
  return undefined;
}
