import Database from 'better-sqlite3';
import type { InsertSums } from './scratch-digests';
import { textHasWords } from './search-words';
import { registerDigestFunctions } from './view-digest';
import { searchIndexOf, searchRowid } from './view-schema';

/**
 * What a live connection is for. `reads`: the request thread's, latency first: 32 MiB of page cache and a memory
 * map. `projections`: the runner's, which writes batches and looks rows up by key: 8 MiB and no map (its reads
 * come from the OS page cache; mapped pages it touched would count in the process's RSS a second time). The whole
 * process (both threads, a rebuild's scratch too) must stay under 400 MB.
 */
export type ConnectionUse = 'reads' | 'projections';
const CACHE_KIB: Record<ConnectionUse, number> = { reads: 32768, projections: 8192 };
/** A generation being built: the load looks versions up by key, and its index builds sort in the cache. */
const SCRATCH_CACHE_KIB = 32768;
/**
 * 16 KiB pages for new view files: rows of a few hundred bytes (versions, history) waste less of each page, and
 * B-trees are shallower (~140 B less per development than 4 KiB pages). An existing file keeps its page size.
 */
const PAGE_SIZE = 16384;
/**
 * A WAL file is reused from its start after each checkpoint but never shrinks by itself: a burst of writes (an
 * import) would leave it at its peak size. Truncated back to this after a checkpoint.
 */
export const WAL_SIZE_LIMIT = 4 * 1024 * 1024;

/**
 * `live`: WAL (readers never wait for the writer), a short busy wait (better-sqlite3 waits synchronously, so a
 * long one would freeze the service; the runner retries). `scratch`: a generation being built, read by nobody
 * until it is promoted: no journal and no syncs (a crash throws it away anyway), so every page is written once.
 */
export function openConnection(
  file: string,
  mode: 'live' | 'scratch',
  synchronous: 'full' | 'normal' = 'normal',
  use: ConnectionUse = 'reads',
): Database.Database {
  const sqlite = new Database(file, { timeout: mode === 'live' ? 50 : 5000 });
  // Before anything is written (journal mode included); a no-op on a file that has pages already.
  sqlite.pragma(`page_size = ${PAGE_SIZE}`);
  if (mode === 'live') goLive(sqlite, synchronous, use);
  else {
    // better-sqlite3 opens connections in SQLite's defensive mode, which refuses journal_mode=OFF: lifted for that only.
    sqlite.unsafeMode(true);
    sqlite.pragma('journal_mode = OFF');
    sqlite.unsafeMode(false);
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma(`cache_size = -${SCRATCH_CACHE_KIB}`);
  }
  // The view tables' digest triggers call these: without them no view row can be written on this connection.
  registerDigestFunctions(sqlite);
  registerSearchFunctions(sqlite);
  return sqlite;
}

/**
 * `annals_words(title, summary, tags, words)`: whether a version's title, summary and tags (a JSON array) hold
 * every word (space-separated query tokens) in the sense of search-words.ts. A search whose words are all
 * common walks a timeline in order and checks each row with it, instead of merging huge prefix lists.
 */
function registerSearchFunctions(sqlite: Database.Database): void {
  let lastWords = '';
  let words: string[] = [];
  sqlite.function('annals_words', { deterministic: true }, (title: unknown, summary: unknown, tags: unknown, wanted: unknown) => {
    if (typeof wanted !== 'string') return 0;
    if (wanted !== lastWords) {
      lastWords = wanted;
      words = wanted.split(' ');
    }
    const tagText = typeof tags === 'string' ? (JSON.parse(tags) as string[]).join('\n') : '';
    return textHasWords(`${typeof title === 'string' ? title : ''}\n${typeof summary === 'string' ? summary : ''}\n${tagText}`, words)
      ? 1
      : 0;
  });
}

/** The live pragmas; also what a promoted scratch generation switches to. */
export function goLive(sqlite: Database.Database, synchronous: 'full' | 'normal' = 'normal', use: ConnectionUse = 'reads'): void {
  sqlite.pragma('journal_mode = WAL');
  // Views are rebuilt from the log, so a power loss may cost only replay work, never data: NORMAL is enough.
  sqlite.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  sqlite.pragma(`cache_size = -${CACHE_KIB[use]}`);
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
  // SQLite checkpoints every 1,000 pages: 16 MiB of WAL at our page size. The same 4 MiB as with its default pages.
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  sqlite.pragma(`wal_autocheckpoint = ${Math.max(1, Math.round(WAL_SIZE_LIMIT / pageSize))}`);
  // Reads of scattered rows (a timeline page joins ~50 versions) come straight from the OS page cache through a
  // memory map instead of a read() and a copy per page (measured 7 → 2.6 µs per version row on 250k developments).
  // Mapped pages that reads touch count in the process's RSS, so the map is capped at 128 MiB.
  sqlite.pragma(`mmap_size = ${use === 'reads' ? 134217728 : 0}`);
}

const STATEMENT_CACHE_SIZE = 256;
/** Statements worth keeping: the queries and writes the app repeats, not schema changes. */
const CACHEABLE = /^\s*(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i;
/** Rows per multi-row INSERT: one statement step instead of dozens, well under SQLite's bound on parameters. */
const ROWS_PER_INSERT = 32;

interface TableShape {
  readonly columns: readonly string[];
  readonly integer: readonly boolean[];
}

/**
 * The one better-sqlite3 connection behind a Kysely handle, which can be replaced between queries (a new
 * generation swapped in). Kysely's SQLite driver prepares every query anew, and preparing costs as much as running
 * a small query: this keeps the most recently used statements (SQLite re-prepares one itself when the schema
 * changes). A statement still iterating (a streamed query) is never handed out twice.
 */
export class SqliteConnection {
  private readonly cache = new Map<string, Database.Statement>();
  private readonly inserts = new Map<string, { one: Database.Statement; many: Database.Statement }>();
  private readonly shapes = new Map<string, TableShape>();
  /** Tables whose inserts go to a staging table for now (see `stage`). */
  private readonly staged = new Map<string, string>();
  private detached = false;

  constructor(
    private handle: Database.Database,
    private file: string,
  ) {}

  get sqlite(): Database.Database {
    return this.handle;
  }

  get filename(): string {
    return this.file;
  }

  prepare(source: string): Database.Statement {
    const cached = this.cache.get(source);
    if (cached && !cached.busy) {
      this.cache.delete(source);
      this.cache.set(source, cached);
      return cached;
    }
    const statement = this.handle.prepare(source);
    if (!cached && CACHEABLE.test(source)) {
      this.cache.set(source, statement);
      if (this.cache.size > STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return statement;
  }

  /** Switches to another connection; returns the previous one (its statements forgotten), for the caller to close. */
  replace(next: Database.Database, file: string): Database.Database {
    const previous = this.handle;
    this.forget();
    this.handle = next;
    this.file = file;
    return previous;
  }

  /**
   * From now on, rows inserted into `physical` go to a TEMP staging table (SQLite's temporary file, never part of
   * the database file), appended as they come; `unstage` copies them over sorted by the table's key. Loading a
   * clustered table row by row would be a random-key B-tree insert each; this is one sort at the end.
   */
  stage(physical: string): void {
    const staging = `${physical}_load`;
    this.handle.exec(`DROP TABLE IF EXISTS temp.${staging}; CREATE TEMP TABLE ${staging} AS SELECT * FROM main.${physical} WHERE 0`);
    this.staged.set(physical, staging);
  }

  /** The staged rows into their table, in key order (`order`), and the staging table dropped. */
  unstage(physical: string, order: string): void {
    const staging = this.staged.get(physical);
    if (!staging) return;
    this.staged.delete(physical);
    this.inserts.delete(staging);
    this.handle.exec(`INSERT INTO main.${physical} SELECT * FROM temp.${staging} ORDER BY ${order}; DROP TABLE temp.${staging}`);
  }

  private forget(): void {
    this.cache.clear();
    this.inserts.clear();
    this.shapes.clear();
  }

  /** Hands the connection over to another holder (a scratch generation promoted to live); closing this is a no-op then. */
  detach(): Database.Database {
    this.forget();
    this.detached = true;
    return this.handle;
  }

  close(): void {
    this.forget();
    if (!this.detached) this.handle.close();
  }

  /**
   * Appends rows (inside the caller's transaction: SQLite has one connection, so the same statements join it),
   * in multi-row INSERTs of the table's own column order. `sums`: a scratch generation's digest of inserts, fed
   * with each row as SQLite will store it (see scratch-digests.ts).
   */
  insert(physical: string, rows: readonly object[], sums?: InsertSums): void {
    if (rows.length === 0) return;
    const shape = this.shapeOf(physical);
    const statements = this.insertStatements(this.staged.get(physical) ?? physical, shape);
    const width = shape.columns.length;
    const values: unknown[] = new Array<unknown>(width * ROWS_PER_INSERT);
    let filled = 0;
    for (const row of rows) {
      const record = row as Record<string, unknown>;
      const offset = filled * width;
      for (let c = 0; c < width; c++) values[offset + c] = record[shape.columns[c]!] ?? null;
      if (sums) sums.add(physical, checked(physical, shape, values.slice(offset, offset + width)));
      if (++filled === ROWS_PER_INSERT) {
        statements.many.run(values);
        filled = 0;
      }
    }
    for (let r = 0; r < filled; r++) statements.one.run(values.slice(r * width, (r + 1) * width));
    // A version's `search_doc` is no column: it goes into the table's FTS5 index, keyed in timeline order. In
    // ascending rowids: FTS5 writes its pending terms out as a new segment whenever a rowid is lower than the last
    // one, so versions in log order (random days) would make a segment each, and merging them all the cost.
    const search = searchIndexOf(physical);
    if (search) {
      const index = this.prepare(`INSERT INTO ${search} (rowid, doc) VALUES (?, ?)`);
      const docs = rows.map((row) => {
        const { search_doc: doc, vid, occurred_start: start } = row as { search_doc: string; vid: number; occurred_start: string };
        return { rowid: searchRowid(start, vid), doc };
      });
      docs.sort((a, b) => (a.rowid < b.rowid ? -1 : a.rowid > b.rowid ? 1 : 0));
      for (const { rowid, doc } of docs) index.run(rowid, doc);
    }
  }

  private shapeOf(physical: string): TableShape {
    let shape = this.shapes.get(physical);
    if (!shape) {
      const info = this.handle.prepare(`SELECT name, type FROM pragma_table_info(?) ORDER BY cid`).all(physical) as Array<{
        name: string;
        type: string;
      }>;
      if (info.length === 0) throw new Error(`no table ${physical}`);
      // SQLite's affinity rule: a declared type containing INT stores integers.
      shape = { columns: info.map((c) => c.name), integer: info.map((c) => /INT/i.test(c.type)) };
      this.shapes.set(physical, shape);
    }
    return shape;
  }

  private insertStatements(physical: string, shape: TableShape) {
    let statements = this.inserts.get(physical);
    if (!statements) {
      const tuple = `(${shape.columns.map(() => '?').join(', ')})`;
      const head = `INSERT INTO ${physical} (${shape.columns.join(', ')}) VALUES `;
      statements = {
        one: this.handle.prepare(head + tuple),
        many: this.handle.prepare(head + Array.from({ length: ROWS_PER_INSERT }, () => tuple).join(', ')),
      };
      this.inserts.set(physical, statements);
    }
    return statements;
  }
}

/**
 * The hashed values must be what SQLite stores, or the digest would differ from the one the triggers compute on
 * the live views: integers in integer columns, text (or null) in text columns; anything SQLite would convert is refused.
 */
function checked(physical: string, shape: TableShape, values: unknown[]): unknown[] {
  for (let c = 0; c < values.length; c++) {
    const value = values[c];
    if (value === null) continue;
    const ok = shape.integer[c] ? typeof value === 'number' || typeof value === 'bigint' : typeof value === 'string';
    if (!ok)
      throw new Error(
        `${physical}.${shape.columns[c]}: a ${typeof value} where the column holds ${shape.integer[c] ? 'integers' : 'text'}`,
      );
  }
  return values;
}
