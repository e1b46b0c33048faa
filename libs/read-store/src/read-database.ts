import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { ViewDatabase } from './view-tables';

export type ReadDialect = 'sqlite' | 'postgres';

/** The read side's database: one Kysely handle over better-sqlite3 (embedded) or pg (production). */
export interface ReadDatabase {
  readonly db: Kysely<ViewDatabase>;
  readonly dialect: ReadDialect;
  close(): Promise<void>;
}

export function openSqliteReadDatabase(filename: string, options: { synchronous?: 'full' | 'normal' } = {}): ReadDatabase {
  const sqlite = new Database(filename, { timeout: 5000 });
  sqlite.pragma('journal_mode = WAL');
  // Views are rebuilt from the log, so a power loss may cost only replay work, never data: NORMAL is enough.
  sqlite.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
  const db = new Kysely<ViewDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

// int8 columns (positions, instants in ms) fit in a double for the life of any log.
pg.types.setTypeParser(20, (value: string) => Number(value));

export function openPostgresReadDatabase(connectionString: string, options: { max?: number } = {}): ReadDatabase {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<ViewDatabase>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
