import { sql } from 'kysely';
import type { EventStore, RecordedEvent } from '@annals/application';
import {
  LIVE_TABLES,
  createViewIndexes,
  createViewTable,
  digestTables,
  dropTable,
  forgetDigest,
  maintainDigest,
  moveDigest,
  rebuildTables,
  renameTable,
  scanDigest,
  type ReadDatabase,
  type TableNames,
  type ViewTable,
} from '@annals/read-store';
import { forgetLogIdentity, saveCheckpoint, saveLogIdentity, type LogPoint } from './checkpoints';
import { viewTx } from './live-processor';
import type { Projection } from './projection';
import { withLocks, yieldToEventLoop, type Runtime, type RunnerLogger } from './runtime';

/**
 * A rebuild commits batches sized to take about this long: larger commits cost fewer page rewrites, shorter ones
 * keep the service answering (on SQLite, reads wait for the one connection while a batch is written).
 */
const REBUILD_TRANSACTION_MS = 100;
const REBUILD_BATCH = { first: 500, min: 20, max: 5000 };

export interface VerifyResult {
  readonly name: string;
  /** The live views' maintained digest. */
  readonly live: string;
  /** The live views' digest recomputed from their rows. */
  readonly scanned: string;
  /** The digest of the same projection rebuilt from the log into scratch tables. */
  readonly rebuilt: string;
  readonly equal: boolean;
}

interface Reached {
  readonly last: LogPoint;
  readonly first?: LogPoint;
}

/** Blue/green rebuilds and the `verify` command: the log read from the start into fresh tables. */
export class Rebuilder {
  constructor(
    private readonly store: EventStore,
    private readonly read: ReadDatabase,
    private readonly logger: RunnerLogger,
  ) {}

  private get db() {
    return this.read.db;
  }

  /**
   * Builds `<table>__next` from position 0 while the live tables keep serving, catches up to the head under
   * the projections' locks, then swaps the tables, their digests and the checkpoints in one transaction.
   * The projections are rebuilt together, from ONE pass over the log. `check` runs before each batch and may
   * throw to stop (a lost lease). `newLog`: the views were of another log: its identity is replaced too.
   */
  async rebuild(runtimes: readonly Runtime[], check: () => void, options: { newLog?: boolean } = {}): Promise<void> {
    const next = rebuildTables();
    const tag = `r${Date.now().toString(36)}`;
    const projections = runtimes.map((runtime) => runtime.projection);
    const tables = projections.flatMap((projection) => projection.tables);
    for (const table of tables) await this.createScratch(table, next[table], tag);
    let reached = await this.project(projections, next, { last: { position: 0n, eventId: null } }, check);
    await this.startDigests(tables, next);
    for (const table of tables) await createViewIndexes(this.db, table, next[table], tag, 'rest');
    await withLocks(runtimes, async () => {
      reached = await this.project(projections, next, reached, check);
      check();
      await this.db.transaction().execute(async (tx) => {
        for (const table of tables) {
          await dropTable(tx, LIVE_TABLES[table]);
          await renameTable(tx, next[table], LIVE_TABLES[table]);
          await moveDigest(tx, this.read.dialect, next[table], LIVE_TABLES[table]);
        }
        for (const projection of projections) await saveCheckpoint(tx, projection, reached.last);
        if (options.newLog) await forgetLogIdentity(tx);
        await saveLogIdentity(tx, reached.first);
      });
      for (const runtime of runtimes) {
        runtime.position = reached.last.position;
        runtime.servingVersion = runtime.projection.version;
      }
    });
    this.logger.log(`projections ${projections.map((p) => p.name).join(', ')} rebuilt up to position ${reached.last.position}`);
  }

  /**
   * Streams the log after `from` into the given tables, one transaction per batch for all the projections.
   * Returns the last event read (and the first one, when reading from the start).
   */
  private async project(
    projections: readonly Projection[],
    tables: TableNames,
    from: Reached,
    check: () => void = () => undefined,
  ): Promise<Reached> {
    let last = from.last;
    let first = from.first;
    let batch: RecordedEvent[] = [];
    let limit = REBUILD_BATCH.first;
    const flush = async () => {
      check();
      const work = projections
        .map((projection) => ({ projection, handled: batch.filter((event) => projection.handles(event)) }))
        .filter((item) => item.handled.length > 0);
      if (work.length > 0) {
        const started = performance.now();
        await this.db.transaction().execute(async (tx) => {
          for (const { projection, handled } of work) await projection.apply(viewTx(this.read, tx, tables), handled);
        });
        // Events differ in cost (one timeline or sixty): steer the batch size towards the target duration.
        const wanted = (limit * REBUILD_TRANSACTION_MS) / Math.max(performance.now() - started, 1);
        limit = Math.round(Math.min(REBUILD_BATCH.max, Math.max(REBUILD_BATCH.min, (limit + wanted) / 2)));
      }
      batch = [];
      // better-sqlite3 is synchronous: give the event loop a turn so the live views keep answering meanwhile.
      await yieldToEventLoop();
    };
    for await (const event of this.store.readAll({ after: last.position, batchSize: 1000 })) {
      batch.push(event);
      last = { position: event.position, eventId: event.eventId };
      first ??= last;
      if (batch.length >= limit) await flush();
    }
    await flush();
    return { last, ...(first ? { first } : {}) };
  }

  /** A fresh table for a rebuild or a verify, loaded without digest triggers until `startDigests`. */
  private async createScratch(table: ViewTable, physical: string, tag: string): Promise<void> {
    await dropTable(this.db, physical);
    await forgetDigest(this.db, physical);
    await createViewTable(this.db, table, physical, tag, { dialect: this.read.dialect, indexes: 'build' });
  }

  /** After the first pass (without triggers: a row costs a third), before anything else may write the tables. */
  private async startDigests(tables: readonly ViewTable[], names: TableNames): Promise<void> {
    for (const table of tables) await maintainDigest(this.db, this.read.dialect, names[table], { quiet: true });
  }

  /**
   * The `verify` command: builds every projection into scratch tables, and compares three digests per
   * projection: the live views' maintained one, the live views' recomputed from their rows (a maintained digest
   * that drifted from the content is caught), and the scratch tables'.
   */
  async verify(runtimes: readonly Runtime[]): Promise<VerifyResult[]> {
    const scratch = rebuildTables();
    const tag = `v${Date.now().toString(36)}`;
    const tables = runtimes.flatMap((runtime) => runtime.projection.tables);
    const physical = (projection: Projection, names: TableNames) => projection.tables.map((table) => ({ table, physical: names[table] }));
    for (const table of tables) await this.createScratch(table, scratch[table], tag);
    try {
      return await withLocks(runtimes, async () => {
        await this.project(
          runtimes.map((runtime) => runtime.projection),
          scratch,
          { last: { position: 0n, eventId: null } },
        );
        await this.startDigests(tables, scratch);
        const results: VerifyResult[] = [];
        for (const { projection } of runtimes) {
          const live = await digestTables(this.db, physical(projection, LIVE_TABLES));
          const scanned = await scanDigest(this.db, this.read.dialect, physical(projection, LIVE_TABLES));
          const rebuilt = await digestTables(this.db, physical(projection, scratch));
          results.push({ name: projection.name, live, rebuilt, scanned, equal: live === rebuilt && live === scanned });
        }
        return results;
      });
    } finally {
      for (const table of tables) {
        await dropTable(this.db, scratch[table]);
        await forgetDigest(this.db, scratch[table]);
      }
    }
  }

  /**
   * Whether the live tables have the columns this code's projection writes and reads: the new code can then go
   * on serving and feeding them while its own version is rebuilt. Compared with a probe table made by the same
   * code that makes real ones, so whatever a schema change adds is seen.
   */
  async layoutMatches(projection: Projection): Promise<boolean> {
    for (const table of projection.tables) {
      const probe = `${table}__probe`;
      await dropTable(this.db, probe);
      await createViewTable(this.db, table, probe, 'probe', { dialect: this.read.dialect, indexes: 'build' });
      const [want, have] = [await this.columns(probe), await this.columns(LIVE_TABLES[table])];
      await dropTable(this.db, probe);
      if (want !== have) return false;
    }
    return true;
  }

  /** The table's column names, or 'missing'. */
  private async columns(physical: string): Promise<string> {
    const names =
      this.read.dialect === 'sqlite'
        ? sql<{ name: string }>`SELECT name FROM pragma_table_info(${physical}) ORDER BY name`
        : sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ${physical} ORDER BY column_name`;
    const { rows } = await names.execute(this.db);
    return rows.length === 0 ? 'missing' : rows.map((row) => row.name).join(',');
  }
}
