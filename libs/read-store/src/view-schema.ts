import { sql } from 'kysely';
import type { ReadDialect } from './read-database';
import type { ViewDb, ViewTable } from './view-tables';

/**
 * A row key that is the position of the event that wrote the row: on SQLite the table's own rowid (appends in log
 * order, lookups in one B-tree descent), on PostgreSQL a bigint primary key (log positions outgrow int4).
 */
const ID = '{id}';
const idColumn = (dialect: ReadDialect) => (dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGINT PRIMARY KEY');

/** Columns and indexes of each view table, in SQL both SQLite and PostgreSQL accept (`{id}` differs, see above). */
const COLUMNS: Record<ViewTable, string> = {
  dev_versions: `vid ${ID}, development_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, stream TEXT NOT NULL,
    organization TEXT, occurred_start TEXT NOT NULL, entry TEXT NOT NULL, content TEXT NOT NULL, search_text TEXT NOT NULL,
    retracted INTEGER NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT, position BIGINT NOT NULL`,
  // One row per timeline a version appears on, never updated: the version row it points to (vid) carries the
  // entry and the recorded-time bounds, so a correction closes one row, and a rebuild writes ~40 bytes per key.
  dev_timeline: `timeline_key TEXT NOT NULL, occurred_start TEXT NOT NULL, position BIGINT NOT NULL, vid BIGINT NOT NULL`,
  dev_history: `development_id TEXT NOT NULL, position BIGINT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    recorded_at TEXT NOT NULL, recorded_ms BIGINT NOT NULL, data TEXT NOT NULL`,
  membership_facts: `development_id TEXT PRIMARY KEY, organization TEXT NOT NULL, country TEXT, kind TEXT NOT NULL,
    content TEXT NOT NULL, sequence BIGINT NOT NULL, retracted INTEGER NOT NULL`,
  membership_periods: `organization TEXT NOT NULL, country TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL,
    start_day TEXT NOT NULL, until TEXT, end_day TEXT, approval_id TEXT NOT NULL, ending_id TEXT, end_reason TEXT,
    recorded_from BIGINT NOT NULL, recorded_to BIGINT`,
  presidency_facts: `development_id TEXT PRIMARY KEY, organization TEXT NOT NULL, country TEXT, kind TEXT NOT NULL,
    content TEXT NOT NULL, sequence BIGINT NOT NULL, retracted INTEGER NOT NULL`,
  presidency_periods: `organization TEXT NOT NULL, country TEXT NOT NULL, from_on TEXT NOT NULL, start_day TEXT NOT NULL,
    to_on TEXT, end_day TEXT, handover_id TEXT NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT`,
  organizations: `code TEXT PRIMARY KEY, name TEXT NOT NULL, wikidata_id TEXT, recorded_from BIGINT NOT NULL, position BIGINT NOT NULL`,
};

/**
 * Indexes per table. The big tables have no primary key clause: a rebuild appends rows in log order and builds
 * its indexes afterwards by sorting, instead of maintaining random-key B-trees row by row. Indexes marked
 * `build` exist from the start because the projection itself looks rows up by them.
 */
const INDEXES: Record<ViewTable, Array<{ columns: string; where?: string; unique?: boolean; build?: boolean }>> = {
  dev_versions: [
    { columns: 'development_id, version', unique: true, build: true },
    { columns: 'occurred_start, position', where: 'recorded_to IS NULL' },
  ],
  dev_timeline: [{ columns: 'timeline_key, occurred_start, position, vid', unique: true }],
  dev_history: [{ columns: 'development_id, position', unique: true }],
  membership_facts: [{ columns: 'organization, country' }],
  membership_periods: [{ columns: 'organization, country, start_day' }, { columns: 'country, organization' }],
  presidency_facts: [{ columns: 'organization' }],
  presidency_periods: [{ columns: 'organization, start_day' }],
  organizations: [],
};

/** The order rows are hashed in for a digest: a total order independent of insertion. */
export const DIGEST_ORDER: Record<ViewTable, string> = {
  dev_versions: 'development_id, version',
  dev_timeline: 'timeline_key, occurred_start, position, vid',
  dev_history: 'development_id, position',
  membership_facts: 'development_id',
  membership_periods: 'organization, country, recorded_from, start_day, approval_id, status, recorded_to',
  presidency_facts: 'development_id',
  presidency_periods: 'organization, recorded_from, start_day, handover_id, recorded_to',
  organizations: 'code',
};

/** Whether the table is visible on this connection's search path (introspection would list every schema). */
async function tableExists(db: ViewDb, physical: string): Promise<boolean> {
  return sql
    .raw(`SELECT 1 FROM ${physical} WHERE 1 = 0`)
    .execute(db)
    .then(
      () => true,
      () => false,
    );
}

/**
 * Creates a view table, with its secondary indexes unless `indexes: false` (a rebuild loads rows first and
 * indexes afterwards, which is much faster than maintaining random-key indexes row by row). An existing table
 * is left as it is: its indexes were made with it, whatever their names (a swapped-in table keeps its own).
 */
export async function createViewTable(
  db: ViewDb,
  table: ViewTable,
  physical: string,
  indexTag: string,
  options: { dialect: ReadDialect; indexes?: 'all' | 'build' },
): Promise<void> {
  if (await tableExists(db, physical)) return;
  await sql.raw(`CREATE TABLE ${physical} (${COLUMNS[table].replace(ID, idColumn(options.dialect))})`).execute(db);
  await createViewIndexes(db, table, physical, indexTag, options.indexes ?? 'all');
}

/** Index names carry a tag: live and rebuilt tables coexist until the swap, and SQLite cannot rename indexes. */
export async function createViewIndexes(
  db: ViewDb,
  table: ViewTable,
  physical: string,
  indexTag: string,
  which: 'all' | 'build' | 'rest' = 'all',
): Promise<void> {
  for (const [n, index] of INDEXES[table].entries()) {
    if ((which === 'build' && !index.build) || (which === 'rest' && index.build)) continue;
    const where = index.where ? ` WHERE ${index.where}` : '';
    const unique = index.unique ? 'UNIQUE ' : '';
    await sql.raw(`CREATE ${unique}INDEX IF NOT EXISTS ix_${table}_${indexTag}_${n} ON ${physical} (${index.columns})${where}`).execute(db);
  }
}

export async function createCheckpointTable(db: ViewDb): Promise<void> {
  await sql
    .raw('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)')
    .execute(db);
}

export async function dropTable(db: ViewDb, physical: string): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS ${physical}`).execute(db);
}

export async function renameTable(db: ViewDb, from: string, to: string): Promise<void> {
  await sql.raw(`ALTER TABLE ${from} RENAME TO ${to}`).execute(db);
}
