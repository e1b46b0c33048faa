import { sql } from 'kysely';
import {
  LIVE_TABLES,
  SQLITE_CLUSTERED,
  createViewIndexes,
  createViewTable,
  digestTables,
  dropTable,
  finishScratchDigest,
  forgetDigest,
  maintainDigest,
  moveDigest,
  rebuildTables,
  renameTable,
  startScratchDigest,
  type ReadDatabase,
  type ScratchViews,
  type SqliteViewFiles,
  type TableNames,
  type ViewDb,
  type ViewTable,
} from '@annals/read-store';
import { prepareCheckpoints } from './checkpoints';

type Tables = ReadonlyArray<{ table: ViewTable; physical: string }>;

/**
 * Where a rebuild or a verify writes the views it builds from the log, and how they replace the live ones.
 * - SQLite (`GenerationTarget`): a fresh database file, loaded without journal or syncs, promoted by a pointer;
 *   the old file is deleted, so the space of the old views goes back to the file system.
 * - PostgreSQL (`TableTarget`): `<table>__next` tables in the same schema, renamed into place in one transaction.
 */
export interface RebuildTarget {
  /** The handle the projections write through while loading. */
  readonly read: ReadDatabase;
  readonly tables: TableNames;
  /** Empty tables for these views, with the indexes the projections look rows up by. */
  prepare(tables: readonly ViewTable[]): Promise<void>;
  /** After the first pass: the remaining indexes (built by sorting, not row by row), the digests made ready. */
  afterLoad(tables: readonly ViewTable[]): Promise<void>;
  /** The digest of these tables as built (verify). */
  digest(tables: readonly ViewTable[]): Promise<string>;
  /** Puts the built views in place of the live ones; `write` adds checkpoints and log identity in the same step. */
  swap(tables: readonly ViewTable[], write: (tx: ViewDb) => Promise<void>): Promise<void>;
  /** Throws the built views away (a verify, or a rebuild that failed). */
  discard(tables: readonly ViewTable[]): Promise<void>;
}

const named = (tables: readonly ViewTable[], names: TableNames): Tables => tables.map((table) => ({ table, physical: names[table] }));

export class GenerationTarget implements RebuildTarget {
  private readonly scratch: ScratchViews;
  private readonly sealed = new Set<ViewTable>();
  readonly tables = LIVE_TABLES;

  constructor(
    private readonly files: SqliteViewFiles,
    private readonly tag: string,
  ) {
    this.scratch = files.openScratch();
  }

  get read(): ReadDatabase {
    return this.scratch.read;
  }

  private get db(): ViewDb {
    return this.scratch.read.db;
  }

  async prepare(tables: readonly ViewTable[]): Promise<void> {
    await prepareCheckpoints(this.db, 'sqlite');
    for (const table of tables) {
      await createViewTable(this.db, table, table, this.tag, { dialect: 'sqlite', indexes: 'build' });
      await startScratchDigest(this.db, table);
      // A clustered table is loaded in log order beside, and sorted into place after the pass.
      if (SQLITE_CLUSTERED[table]) this.scratch.connection.stage(table);
    }
  }

  async afterLoad(tables: readonly ViewTable[]): Promise<void> {
    for (const table of tables) {
      const key = SQLITE_CLUSTERED[table];
      // Between Kysely's queries: its one connection is held, so no statement of the load is still running.
      if (key) await this.db.connection().execute(() => Promise.resolve(this.scratch.connection.unstage(table, key)));
    }
    for (const table of tables) await createViewIndexes(this.db, table, table, this.tag, 'rest');
  }

  /**
   * The inserts' digest sums join the digest rows. Every row must have come through the insert path: a table whose
   * row count differs from its digest's was written some other way, and its digest would be wrong.
   */
  private async seal(tx: ViewDb, tables: readonly ViewTable[]): Promise<void> {
    for (const table of tables) {
      if (this.sealed.has(table)) continue;
      this.sealed.add(table);
      await finishScratchDigest(tx, table, this.scratch.sums);
      const { rows } = await sql<{ rows: number; counted: number }>`SELECT (SELECT count(*) FROM ${sql.table(table)}) AS rows,
        (SELECT row_count FROM view_digests WHERE physical = ${table}) AS counted`.execute(tx);
      if (Number(rows[0]?.rows) !== Number(rows[0]?.counted))
        throw new Error(`${table}: rows were written outside the insert path during the rebuild; its digest would be wrong`);
    }
  }

  async digest(tables: readonly ViewTable[]): Promise<string> {
    await this.db.transaction().execute((tx) => this.seal(tx, tables));
    return digestTables(this.db, named(tables, LIVE_TABLES));
  }

  async swap(tables: readonly ViewTable[], write: (tx: ViewDb) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.seal(tx, tables);
      await write(tx);
    });
    await this.files.install(this.scratch);
  }

  discard(): Promise<void> {
    return this.files.discard(this.scratch);
  }
}

export class TableTarget implements RebuildTarget {
  readonly tables = rebuildTables();

  constructor(
    readonly read: ReadDatabase,
    private readonly tag: string,
  ) {}

  private get db(): ViewDb {
    return this.read.db;
  }

  /** Loaded without digest triggers until `afterLoad` (a row costs a third). */
  async prepare(tables: readonly ViewTable[]): Promise<void> {
    for (const table of tables) {
      const physical = this.tables[table];
      await dropTable(this.db, physical);
      await forgetDigest(this.db, physical);
      await createViewTable(this.db, table, physical, this.tag, { dialect: this.read.dialect, indexes: 'build' });
    }
  }

  /** Before anything else may write the tables: the digests from their rows (in chunks), then the other indexes. */
  async afterLoad(tables: readonly ViewTable[]): Promise<void> {
    for (const table of tables) await maintainDigest(this.db, this.read.dialect, this.tables[table], { quiet: true });
    for (const table of tables) await createViewIndexes(this.db, table, this.tables[table], this.tag, 'rest');
  }

  digest(tables: readonly ViewTable[]): Promise<string> {
    return digestTables(this.db, named(tables, this.tables));
  }

  async swap(tables: readonly ViewTable[], write: (tx: ViewDb) => Promise<void>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const table of tables) {
        await dropTable(tx, LIVE_TABLES[table]);
        await renameTable(tx, this.tables[table], LIVE_TABLES[table]);
        await moveDigest(tx, this.read.dialect, this.tables[table], LIVE_TABLES[table]);
      }
      await write(tx);
    });
  }

  async discard(tables: readonly ViewTable[]): Promise<void> {
    for (const table of tables) {
      await dropTable(this.db, this.tables[table]);
      await forgetDigest(this.db, this.tables[table]);
    }
  }
}

/** A generation file where the views have files, tables alongside the live ones otherwise. */
export const rebuildTarget = (read: ReadDatabase, tag: string): RebuildTarget =>
  read.files ? new GenerationTarget(read.files, tag) : new TableTarget(read, tag);
