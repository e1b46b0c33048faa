import { PostgresAdapter, sql } from 'kysely';
import type { ReadDialect } from './read-database';
import { REBUILD_SUFFIX, type ViewDb, type ViewTable } from './view-tables';

/**
 * A row key that is the position of the event that wrote the row: on SQLite the table's own rowid (appends in log
 * order, lookups in one B-tree descent), on PostgreSQL a bigint primary key (log positions outgrow int4).
 */
const ID = '{id}';
const idColumn = (dialect: ReadDialect) => (dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'BIGINT PRIMARY KEY');
/** PostgreSQL keeps the search document as a tsvector column; SQLite in an FTS5 table beside (see `searchIndexOf`). */
const SEARCH = '{search}';
const searchColumn = (dialect: ReadDialect) => (dialect === 'sqlite' ? '' : ', search_doc TSVECTOR NOT NULL');
/** Tables a projection writes by upsert, not through the insert path: a rebuild hashes their rows by trigger. */
export const UPSERTED_TABLES: ReadonlySet<string> = new Set(['dev_counts']);

/** Prefix ranges of `dev_counts` names need code point order: SQLite's BINARY is; PostgreSQL's default collation is not. */
const BINARY = '{binary}';
const binaryCollation = (dialect: ReadDialect) => (dialect === 'sqlite' ? '' : ' COLLATE "C"');

/**
 * SQLite tables stored as their key's B-tree (WITHOUT ROWID): a timeline row is nothing but its key, so a rowid
 * table beside the index would hold every row twice (~120 B per development). A rebuild still appends in log
 * order, into a staging table, and copies it over sorted once (see `SqliteConnection.stage`).
 */
export const SQLITE_CLUSTERED: Partial<Record<ViewTable, string>> = {
  dev_timeline: 'timeline_key, occurred_start, position, vid',
};

/** Columns and indexes of each view table, in SQL both SQLite and PostgreSQL accept (`{id}` differs, see above). */
const COLUMNS: Record<ViewTable, string> = {
  // `stream` is null for the development's own stream (`development-<id>`): most rows, 45 bytes each.
  dev_versions: `vid ${ID}, development_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, stream TEXT,
    organization TEXT, occurred_start TEXT NOT NULL, content TEXT NOT NULL, corrected INTEGER NOT NULL, retracted INTEGER NOT NULL,
    recorded_at TEXT NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT, position BIGINT NOT NULL${SEARCH}`,
  // One row per timeline a version appears on, never updated: the version row it points to (vid) carries the
  // entry and the recorded-time bounds, so a correction closes one row, and a rebuild writes ~40 bytes per key.
  dev_timeline: `timeline_key TEXT NOT NULL, occurred_start TEXT NOT NULL, position BIGINT NOT NULL, vid BIGINT NOT NULL`,
  dev_history: `development_id TEXT NOT NULL, position BIGINT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    recorded_at TEXT, recorded_ms BIGINT NOT NULL, data TEXT`,
  dev_counts: `name TEXT${BINARY} PRIMARY KEY, n BIGINT NOT NULL`,
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
const INDEXES: Record<
  ViewTable,
  Array<{ columns: string; where?: string; unique?: boolean; build?: boolean; method?: 'gin'; dialect?: ReadDialect }>
> = {
  dev_versions: [
    { columns: 'development_id, version', unique: true, build: true },
    // Every version, not only current ones: searches as known at an instant walk the same order.
    { columns: 'occurred_start, position' },
    // A rare kind read in timeline order (membership approvals on a big timeline); meetings are most rows and never rare.
    { columns: 'kind, occurred_start, position', where: "kind <> 'meeting'" },
    { columns: 'search_doc', method: 'gin', dialect: 'postgres' },
  ],
  // SQLite: the table is this key (SQLITE_CLUSTERED); older files have it as an index, which reads the same.
  dev_timeline: [{ columns: 'timeline_key, occurred_start, position, vid', unique: true, dialect: 'postgres' }],
  dev_history: [{ columns: 'development_id, position', unique: true }],
  dev_counts: [],
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
  dev_counts: 'name',
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
  const search = searchIndexOf(physical);
  if (search && options.dialect === 'sqlite') {
    await sql.raw(`CREATE VIRTUAL TABLE IF NOT EXISTS ${search} USING ${FTS5}`).execute(db);
    // A bulk load (`build`: the other indexes come after it) merges nothing while it loads: every batch leaves a
    // segment, and `createViewIndexes(…, 'rest')` merges them all in one pass instead of level by level.
    if (options.indexes === 'build') await setSearchMerging(db, search, LOAD_MERGING);
  }
  if (await tableExists(db, physical)) return;
  const columns = COLUMNS[table]
    .replace(ID, idColumn(options.dialect))
    .replace(SEARCH, searchColumn(options.dialect))
    .replace(BINARY, binaryCollation(options.dialect));
  const clustered = options.dialect === 'sqlite' ? SQLITE_CLUSTERED[table] : undefined;
  await sql
    .raw(
      clustered
        ? `CREATE TABLE ${physical} (${columns}, PRIMARY KEY (${clustered})) WITHOUT ROWID`
        : `CREATE TABLE ${physical} (${columns})`,
    )
    .execute(db);
  await createViewIndexes(db, table, physical, indexTag, options.indexes ?? 'all');
}

/**
 * SQLite's full-text index of development versions: an FTS5 table keyed by `searchRowid`, contentless (the
 * text is in the version's content already) and without positions or column sizes (`detail=none`,
 * `columnsize=0`): a query is words that must all appear, never a phrase, so doc ids are all it needs to keep.
 * Text arrives folded and tokenized (search-words.ts), so the tokenizer must only split on the spaces between
 * tokens: `ascii` does (every non-ASCII character is part of a token), where unicode61's own, older Unicode tables
 * could split a token in two and turn a word into a phrase, which `detail=none` refuses.
 */
const FTS5 = `fts5(doc, content='', detail=none, columnsize=0, tokenize='ascii')`;

/**
 * The FTS5 rowid of a version: its day in the high bits, its vid in the low 40 bits (a trillion events). FTS5
 * hands matches out in rowid order, so a search reads them in timeline order, day by day, and stops once a page
 * is full, however common its words are; only rows of one day need sorting by position.
 */
export const SEARCH_VID_BITS = 40;
export const searchRowid = (occurredStart: string, vid: number): bigint =>
  (BigInt(dayNumber(occurredStart)) << BigInt(SEARCH_VID_BITS)) | BigInt(vid);

/** A day count of a `YYYY-MM-DD` day that grows with the date (proleptic Gregorian): 306 for 0000-01-01, under 2^22 for 9999. */
export function dayNumber(isoDay: string): number {
  const year = Number(isoDay.slice(0, 4));
  const month = Number(isoDay.slice(5, 7));
  const day = Number(isoDay.slice(8, 10));
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe + 366;
}

/**
 * The FTS5 table that belongs to a physical `dev_versions` table (live or rebuilt), on SQLite. Like a B-tree index
 * it is created, dropped and renamed with its table, and left out of digests: it holds nothing the versions do not.
 */
export function searchIndexOf(physical: string): string | undefined {
  const base = physical.endsWith(REBUILD_SUFFIX) ? physical.slice(0, -REBUILD_SUFFIX.length) : physical;
  return base === 'dev_versions' ? `${physical}_fts` : undefined;
}

/**
 * The dialect a handle (or a transaction) talks to. `getExecutor` is marked internal in Kysely's typings but is
 * what its own plugins use; the schema helpers are called by the runner without a dialect at hand.
 */
export const dialectOf = (db: ViewDb): ReadDialect => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');

/** Index names carry a tag: live and rebuilt tables coexist until the swap, and SQLite cannot rename indexes. */
export async function createViewIndexes(
  db: ViewDb,
  table: ViewTable,
  physical: string,
  indexTag: string,
  which: 'all' | 'build' | 'rest' = 'all',
): Promise<void> {
  const dialect = dialectOf(db);
  for (const [n, index] of INDEXES[table].entries()) {
    if ((which === 'build' && !index.build) || (which === 'rest' && index.build)) continue;
    if (index.dialect && index.dialect !== dialect) continue;
    const where = index.where ? ` WHERE ${index.where}` : '';
    const unique = index.unique ? 'UNIQUE ' : '';
    const using = index.method ? ` USING ${index.method}` : '';
    await sql
      .raw(`CREATE ${unique}INDEX IF NOT EXISTS ix_${table}_${indexTag}_${n} ON ${physical}${using} (${index.columns})${where}`)
      .execute(db);
  }
  const search = searchIndexOf(physical);
  // A bulk load leaves the FTS5 index in many segments; merged into one, a query reads each word's doc ids once.
  if (search && dialect === 'sqlite' && which !== 'build') {
    await sql.raw(`INSERT INTO ${search} (${search}) VALUES ('optimize')`).execute(db);
    await setSearchMerging(db, search, LIVE_MERGING);
  }
}

/** FTS5's merge settings: SQLite's defaults while live; while loading, none (a last-resort merge past 10,000 segments). */
const LIVE_MERGING = { automerge: 4, crisismerge: 16 };
const LOAD_MERGING = { automerge: 0, crisismerge: 10_000 };

async function setSearchMerging(db: ViewDb, search: string, merging: { automerge: number; crisismerge: number }): Promise<void> {
  for (const [option, value] of Object.entries(merging))
    await sql.raw(`INSERT INTO ${search} (${search}, rank) VALUES ('${option}', ${value})`).execute(db);
}

export async function createCheckpointTable(db: ViewDb): Promise<void> {
  await sql
    .raw('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)')
    .execute(db);
}

export async function dropTable(db: ViewDb, physical: string): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS ${physical}`).execute(db);
  const search = searchIndexOf(physical);
  if (search && dialectOf(db) === 'sqlite') await sql.raw(`DROP TABLE IF EXISTS ${search}`).execute(db);
}

export async function renameTable(db: ViewDb, from: string, to: string): Promise<void> {
  await sql.raw(`ALTER TABLE ${from} RENAME TO ${to}`).execute(db);
  const search = searchIndexOf(from);
  if (search && dialectOf(db) === 'sqlite') await sql.raw(`ALTER TABLE ${search} RENAME TO ${searchIndexOf(to)!}`).execute(db);
}
