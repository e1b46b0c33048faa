import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { ReadDatabase, RunnerLease } from './read-database';
import { InsertSums } from './scratch-digests';
import { SqliteConnection, goLive, openConnection, type ConnectionUse } from './sqlite-connection';
import { ViewGenerations } from './view-generations';
import { checkpointWhenIdle } from './wal-checkpoint';
import type { ViewDatabase } from './view-tables';

/** A generation being built: its own connection and handle, and the digest sums of the rows inserted into it. */
export interface ScratchViews {
  readonly read: ReadDatabase;
  readonly file: string;
  readonly sums: InsertSums;
  readonly connection: SqliteConnection;
}

/** What a rebuild on SQLite needs of the views' files (see view-generations.ts). */
export interface SqliteViewFiles {
  /** A fresh, empty generation file, loaded without journal or syncs. Only the lease holder makes them. */
  openScratch(): ScratchViews;
  /**
   * Makes a scratch serve: it switches to the live pragmas, is made durable and named by the pointer; this handle's
   * connection moves to it, and the older generations are deleted. Nothing else may use the scratch handle afterwards.
   */
  install(scratch: ScratchViews): Promise<void>;
  /** Closes a scratch and deletes its file (a verify's, or a rebuild that failed). */
  discard(scratch: ScratchViews): Promise<void>;
  /** Deletes generations nobody serves from (leftovers of a crash). Only the lease holder calls it. */
  sweep(): void;
  /** The file this handle reads now. */
  readonly current: string;
}

function kyselyOver(connection: SqliteConnection): Kysely<ViewDatabase> {
  return new Kysely<ViewDatabase>({
    dialect: new SqliteDialect({ database: connection }),
  });
}

function handleOver(connection: SqliteConnection, lockFile: string, sums?: InsertSums): ReadDatabase & { files?: SqliteViewFiles } {
  const db = kyselyOver(connection);
  return {
    db,
    dialect: 'sqlite',
    insertRows: (_tx, physical, rows) => {
      connection.insert(physical, rows, sums);
      return Promise.resolve();
    },
    acquireRunnerLease: (signal) => acquireLockFile(lockFile, signal),
    refresh: () => Promise.resolve(false),
    close: () => db.destroy(),
  };
}

/**
 * The embedded views: `filename` is the configured path (`<data dir>/views.db`); the generation the pointer names
 * is opened. The lease's lock file stays at the configured path, whatever the generation.
 */
export function openSqliteReadDatabase(
  filename: string,
  options: { synchronous?: 'full' | 'normal'; use?: ConnectionUse } = {},
): ReadDatabase {
  const generations = new ViewGenerations(filename);
  const opened = generations.current();
  const connection = new SqliteConnection(openConnection(opened, 'live', options.synchronous, options.use), opened);
  const handle = handleOver(connection, `${filename}.runner.lock`);
  // The runner's connection writes the views: its WAL is emptied when it pauses (the reads' connection never writes).
  const checkpointer = options.use === 'projections' ? checkpointWhenIdle(() => connection.sqlite) : undefined;

  /** Between queries (Kysely's one connection held): nothing runs on the old connection while it is switched. */
  const switchTo = async (next: Database.Database, file: string) => {
    const previous = await handle.db.connection().execute(() => Promise.resolve(connection.replace(next, file)));
    previous.close();
  };

  const files: SqliteViewFiles = {
    get current() {
      return connection.filename;
    },
    openScratch() {
      const file = generations.nextFile();
      generations.remove(file);
      const scratch = new SqliteConnection(openConnection(file, 'scratch'), file);
      const sums = new InsertSums();
      return { read: handleOver(scratch, `${filename}.runner.lock`, sums), file, sums, connection: scratch };
    },
    async install(scratch) {
      const sqlite = scratch.connection.detach();
      goLive(sqlite, options.synchronous, options.use);
      generations.promote(scratch.file);
      await switchTo(sqlite, scratch.file);
      await scratch.read.close();
      generations.sweep();
    },
    async discard(scratch) {
      await scratch.read.close();
      generations.remove(scratch.file);
    },
    sweep: () => generations.sweep(),
  };

  return {
    ...handle,
    close: async () => {
      checkpointer?.stop();
      await handle.close();
    },
    files,
    /** Another thread or process swapped the generation: this handle follows the pointer. */
    async refresh() {
      const current = generations.current();
      if (current === connection.filename) return false;
      await switchTo(openConnection(current, 'live', options.synchronous, options.use), current);
      return true;
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
