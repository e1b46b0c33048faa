import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { SqliteViewFiles } from './sqlite.read-database';
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
   * Appends rows to a view table inside the transaction `tx` (callers are always inside one): multi-row INSERTs,
   * on SQLite cached prepared statements on the transaction's one connection.
   */
  insertRows(tx: Kysely<ViewDatabase>, physical: string, rows: readonly object[]): Promise<void>;
  /**
   * Follows a swap of the views made elsewhere (SQLite: another thread or process promoted a new generation file);
   * true if this handle moved. PostgreSQL swaps tables inside one database: nothing to follow.
   */
  refresh(): Promise<boolean>;
  /** SQLite: the generation files behind these views (rebuilds write a new one). */
  readonly files?: SqliteViewFiles;
  /** Resolves once this process may run the projections; undefined when `signal` aborts first. */
  acquireRunnerLease(signal: AbortSignal): Promise<RunnerLease | undefined>;
  close(): Promise<void>;
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

  /**
   * Multi-row INSERTs within PostgreSQL's 65,535 bound parameters, their text written here: the query builder's
   * compile step costs more than the database's work for statements of thousands of values. Identifiers come from
   * our own table definitions and row shapes, never from input.
   */
  async function insertRows(tx: Kysely<ViewDatabase>, physical: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    const size = Math.max(1, Math.floor(30_000 / columns.length));
    const head = `INSERT INTO ${physical} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size) as ReadonlyArray<Record<string, unknown>>;
      const parameters: unknown[] = [];
      const tuples = chunk.map((row) => `(${columns.map((column) => `$${parameters.push(row[column] ?? null)}`).join(', ')})`);
      await tx.executeQuery(CompiledQuery.raw(head + tuples.join(', '), parameters));
    }
  }

  return { db, dialect: 'postgres', insertRows, acquireRunnerLease, refresh: () => Promise.resolve(false), close: () => db.destroy() };
}
