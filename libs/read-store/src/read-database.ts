import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { textHasWords } from './search-words';
import { registerDigestFunctions } from './view-digest';
import { searchIndexOf, searchRowid } from './view-schema';
import type { ViewDatabase } from './view-tables';

export type ReadDialect = 'sqlite' | 'postgres';

/** Held by the one projection runner allowed to write the views of a database. */
export interface RunnerLease {
  /** Resolves if the lease is lost while held (its connection gone): the holder must stop writing views. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

/** The read side's database: one Kysely handle over better-sqlite3 (embedded) or pg (production). */
export interface ReadDatabase {
  readonly db: Kysely<ViewDatabase>;
  readonly dialect: ReadDialect;
  /**
   * Appends rows to a view table inside the transaction `tx` (callers are always inside one): SQLite runs one
   * cached prepared INSERT per row on the transaction's connection, PostgreSQL sends multi-row INSERTs.
   */
  insertRows(tx: Kysely<ViewDatabase>, physical: string, rows: readonly object[]): Promise<void>;
  /** Resolves once this process may run the projections; undefined when `signal` aborts first. */
  acquireRunnerLease(signal: AbortSignal): Promise<RunnerLease | undefined>;
  close(): Promise<void>;
}

export function openSqliteReadDatabase(filename: string, options: { synchronous?: 'full' | 'normal' } = {}): ReadDatabase {
  // A short busy wait: better-sqlite3 waits synchronously, so a long one would freeze the service; the runner retries.
  const sqlite = new Database(filename, { timeout: 50 });
  sqlite.pragma('journal_mode = WAL');
  // Views are rebuilt from the log, so a power loss may cost only replay work, never data: NORMAL is enough.
  sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  // 64 MiB of page cache: rebuilds and timeline scans touch many pages.
  sqlite.pragma('cache_size = -65536');
  // The view tables' digest triggers call these: without them no view row can be written on this connection.
  registerDigestFunctions(sqlite);
  // Reads of scattered rows (a timeline page joins ~50 versions) come straight from the OS page cache through a
  // memory map instead of a read() and a copy per page: measured 7 → 2.6 µs per version row on 250k developments.
  // Writes still go through SQLite's pager. Mapped pages that reads touch count in the process's RSS, so the map is
  // capped: the hottest 128 MiB (indexes, recent rows) are mapped, the rest is read as usual.
  sqlite.pragma('mmap_size = 134217728');
  registerSearchFunctions(sqlite);
  const db = new Kysely<ViewDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  const inserts = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let statement = inserts.get(sql);
    if (!statement) inserts.set(sql, (statement = sqlite.prepare(sql)));
    return statement;
  };
  /**
   * SQLite has one connection, so the transaction Kysely runs on is this handle's: the same statements join it.
   * A version's `search_doc` is no column here: it goes into the table's FTS5 index under the version's vid.
   */
  const insertRows = (_tx: Kysely<ViewDatabase>, physical: string, rows: readonly object[]): Promise<void> => {
    if (rows.length === 0) return Promise.resolve();
    const search = searchIndexOf(physical);
    const columns = Object.keys(rows[0]!).filter((column) => !search || column !== 'search_doc');
    const insert = prepared(`INSERT INTO ${physical} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
    const index = search ? prepared(`INSERT INTO ${search} (rowid, doc) VALUES (?, ?)`) : undefined;
    for (const row of rows) {
      if (!index) {
        insert.run(row);
        continue;
      }
      const { search_doc: doc, ...version } = row as { search_doc: string; vid: number; occurred_start: string };
      insert.run(version);
      index.run(searchRowid(version.occurred_start, version.vid), doc);
    }
    return Promise.resolve();
  };
  return {
    db,
    dialect: 'sqlite',
    insertRows,
    acquireRunnerLease: (signal) => acquireLockFile(`${filename}.runner.lock`, signal),
    close: () => db.destroy(),
  };
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

const STATEMENT_CACHE_SIZE = 256;
/** Statements worth keeping: the queries and writes the app repeats, not schema changes. */
const CACHEABLE = /^\s*(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i;

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running a small query. This keeps
 * the most recently used statements (SQLite re-prepares a cached statement itself when the schema changes).
 * A statement still iterating (a streamed query) is never handed out twice.
 */
function withStatementCache(sqlite: Database.Database): Pick<Database.Database, 'prepare' | 'close'> {
  const cache = new Map<string, Database.Statement>();
  return {
    prepare: ((source: string) => {
      const cached = cache.get(source);
      if (cached && !cached.busy) {
        cache.delete(source);
        cache.set(source, cached);
        return cached;
      }
      const statement = sqlite.prepare(source);
      if (!cached && CACHEABLE.test(source)) {
        cache.set(source, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    }) as Database.Database['prepare'],
    close: () => {
      cache.clear();
      return sqlite.close();
    },
  };
}

/**
 * The embedded profile's lease: an exclusive SQLite lock on a small file of its own (an OS file lock), held
 * by an open connection. It dies with the process — kill -9 included, and whatever pid comes next.
 */
async function acquireLockFile(path: string, signal: AbortSignal, pollMs = 200): Promise<RunnerLease | undefined> {
  while (!signal.aborted) {
    const lock = new Database(path, { timeout: 0 });
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN EXCLUSIVE; COMMIT');
      return {
        // A file lock is only ever given up by its holder.
        lost: new Promise<void>(() => undefined),
        release: () => {
          lock.close();
          return Promise.resolve();
        },
      };
    } catch (error) {
      lock.close();
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('SQLITE_BUSY')) throw error;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
  return undefined;
}

// int8 columns (positions, instants in ms) fit in a double for the life of any log.
pg.types.setTypeParser(20, (value: string) => Number(value));

/** A session advisory lock lives as long as its connection: watch it, and report the lease lost when it goes. */
function heldLease(client: pg.Client, checkMs: number): RunnerLease {
  let released = false;
  let markLost!: () => void;
  const lost = new Promise<void>((resolve) => (markLost = resolve));
  const gone = () => {
    if (!released) markLost();
  };
  client.on('error', gone);
  client.on('end', gone);
  const watch = setInterval(
    () => {
      client.query('SELECT 1').catch(gone);
    },
    Math.max(checkMs, 500),
  );
  watch.unref();
  return {
    lost,
    release: async () => {
      released = true;
      clearInterval(watch);
      await client.end().catch(() => undefined);
    },
  };
}

export function openPostgresReadDatabase(connectionString: string, options: { max?: number; standbyPollMs?: number } = {}): ReadDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 3000,
    query_timeout: 10_000,
    keepAlive: true,
  });
  // A client's error (the server restarting, connections reset) must not crash the process, idle or checked
  // out: the query in flight fails, the runner retries, the next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<ViewDatabase>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });

  /** A session-level advisory lock on a connection of its own: it lasts as long as that connection does. */
  async function acquireRunnerLease(signal: AbortSignal): Promise<RunnerLease | undefined> {
    while (!signal.aborted) {
      const client = new pg.Client({ connectionString });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // One runner per views schema: replicas sharing the schema agree on the key, other schemas do not contend.
        const { rows } = await client.query<{ locked: boolean }>(
          "SELECT pg_try_advisory_lock(hashtext('annals-runner:' || current_schema())) AS locked",
        );
        if (rows[0]?.locked) return heldLease(client, options.standbyPollMs ?? 1000);
        await client.end();
      } catch {
        await client.end().catch(() => undefined);
      }
      await new Promise((resolve) => setTimeout(resolve, options.standbyPollMs ?? 1000));
    }
    return undefined;
  }

  /** Multi-row INSERTs within PostgreSQL's 65,535 bound parameters. */
  async function insertRows(tx: Kysely<ViewDatabase>, physical: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const size = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
    const db = tx as unknown as Kysely<Record<string, object>>;
    for (let i = 0; i < rows.length; i += size)
      await db
        .insertInto(physical)
        .values(rows.slice(i, i + size))
        .execute();
  }

  return { db, dialect: 'postgres', insertRows, acquireRunnerLease, close: () => db.destroy() };
}
