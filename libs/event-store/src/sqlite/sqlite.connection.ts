import Database from 'better-sqlite3';

export interface LogConnectionOptions {
  /** `full` (default) survives power loss; `normal` survives a process crash only. */
  readonly synchronous?: 'full' | 'normal';
  /** SQLite's page cache for this connection, MiB (its default is 16). */
  readonly cacheMb?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  stream      TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  event_id    TEXT    NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision),
  UNIQUE (event_id)
);`;

/** A connection to the log, as both the request thread and the writer thread open it. */
export function openLogConnection(filename: string, options: LogConnectionOptions): Database.Database {
  // A short synchronous busy wait only: longer waits happen asynchronously (the store retries a busy group later).
  const db = new Database(filename, { timeout: 20 });
  // 4 KiB pages (SQLite's default) although 16 KiB ones would store events ~10 % denser: an append dirties a
  // leaf of each random-key index (stream, event id), and 16 KiB leaves made group commits ~1.5× slower.
  db.pragma('journal_mode = WAL');
  // The WAL is reused from its start after each checkpoint but never shrinks by itself: back to 4 MiB after one.
  db.pragma('journal_size_limit = 4194304');
  if (options.cacheMb !== undefined) db.pragma(`cache_size = -${Math.round(options.cacheMb * 1024)}`);
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  // Savepoint journals in memory: rolling back one append of a group commit must not cost a temp file.
  db.pragma('temp_store = MEMORY');
  db.defaultSafeIntegers(true);
  db.exec(SCHEMA);
  return db;
}
