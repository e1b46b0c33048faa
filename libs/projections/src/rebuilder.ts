import { sql } from 'kysely';
import type { EventStore, RecordedEvent } from '@annals/application';
import { LIVE_TABLES, createViewTable, digestTables, dropTable, scanDigest, type ReadDatabase } from '@annals/read-store';
import { forgetLogIdentity, saveCheckpoint, saveLogIdentity, type LogPoint } from './checkpoints';
import { viewTx } from './live-processor';
import { Tally, type Projection } from './projection';
import { rebuildTarget, type RebuildTarget } from './rebuild-targets';
import { withLocks, yieldToEventLoop, type Runtime, type RunnerLogger } from './runtime';

/**
 * A rebuild commits batches sized to take about this long: larger commits cost fewer page rewrites, shorter ones
 * let the live batches of the same thread (the views still serving) take their turn.
 */
const REBUILD_TRANSACTION_MS = 100;
/** Events per batch: bounded, since a batch's rows and their texts are what a rebuild holds in memory. */
const REBUILD_BATCH = { first: 500, min: 20, max: 2000 };

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
   * Builds the views from position 0 into a rebuild target (a new generation file on SQLite, `__next` tables on
   * PostgreSQL) while the live views keep serving, catches up to the head under the projections' locks, then swaps
   * them in together with their digests and checkpoints. The projections are rebuilt together, from ONE pass over
   * the log. `check` runs before each batch and may throw to stop (a lost lease). `newLog`: the views were of
   * another log: its identity is replaced too.
   */
  async rebuild(runtimes: readonly Runtime[], check: () => void, options: { newLog?: boolean } = {}): Promise<void> {
    const target = rebuildTarget(this.read, `r${Date.now().toString(36)}`);
    const projections = runtimes.map((runtime) => runtime.projection);
    const tables = projections.flatMap((projection) => projection.tables);
    let swapped = false;
    let reached: Reached = { last: { position: 0n, eventId: null } };
    try {
      await target.prepare(tables);
      reached = await this.project(target, projections, reached, check, { deferredCounts: new Tally() });
      await target.afterLoad(tables);
      await withLocks(runtimes, async () => {
        reached = await this.project(target, projections, reached, check);
        check();
        await target.swap(tables, async (tx) => {
          for (const projection of projections) await saveCheckpoint(tx, projection, reached.last);
          if (options.newLog) await forgetLogIdentity(tx);
          await saveLogIdentity(tx, reached.first);
        });
        swapped = true;
        for (const runtime of runtimes) {
          runtime.position = reached.last.position;
          runtime.servingVersion = runtime.projection.version;
        }
      });
    } finally {
      if (!swapped) await target.discard(tables).catch(() => undefined);
    }
    this.logger.log(`projections ${projections.map((p) => p.name).join(', ')} rebuilt up to position ${reached.last.position}`);
  }

  /**
   * Streams the log after `from` into the target's tables, one transaction per batch for all the projections.
   * Returns the last event read (and the first one, when reading from the start).
   */
  private async project(
    target: RebuildTarget,
    projections: readonly Projection[],
    from: Reached,
    check: () => void = () => undefined,
    load: { readonly deferredCounts?: Tally } = {},
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
        await target.read.db.transaction().execute(async (tx) => {
          for (const { projection, handled } of work) await projection.apply(viewTx(target.read, tx, target.tables, load), handled);
        });
        // Events differ in cost (one timeline or sixty): steer the batch size towards the target duration.
        const wanted = (limit * REBUILD_TRANSACTION_MS) / Math.max(performance.now() - started, 1);
        limit = Math.round(Math.min(REBUILD_BATCH.max, Math.max(REBUILD_BATCH.min, (limit + wanted) / 2)));
      }
      batch = [];
      // better-sqlite3 is synchronous: give the event loop a turn so the live views keep being fed meanwhile.
      await yieldToEventLoop();
    };
    for await (const event of this.store.readAll({ after: last.position, batchSize: 1000 })) {
      batch.push(event);
      last = { position: event.position, eventId: event.eventId };
      first ??= last;
      if (batch.length >= limit) await flush();
    }
    await flush();
    if (load.deferredCounts)
      await target.read.db.transaction().execute(async (tx) => {
        for (const projection of projections) await projection.finishLoad?.(viewTx(target.read, tx, target.tables, load));
      });
    return { last, ...(first ? { first } : {}) };
  }

  /**
   * The `verify` command: builds every projection into a scratch target, and compares three digests per
   * projection: the live views' maintained one, the live views' recomputed from their rows (a maintained digest
   * that drifted from the content is caught), and the scratch's.
   */
  async verify(runtimes: readonly Runtime[]): Promise<VerifyResult[]> {
    const target = rebuildTarget(this.read, `v${Date.now().toString(36)}`);
    const tables = runtimes.flatMap((runtime) => runtime.projection.tables);
    const live = (projection: Projection) => projection.tables.map((table) => ({ table, physical: LIVE_TABLES[table] }));
    try {
      await target.prepare(tables);
      return await withLocks(runtimes, async () => {
        await this.project(
          target,
          runtimes.map((runtime) => runtime.projection),
          { last: { position: 0n, eventId: null } },
          undefined,
          { deferredCounts: new Tally() },
        );
        await target.afterLoad(tables);
        const results: VerifyResult[] = [];
        for (const { projection } of runtimes) {
          const maintained = await digestTables(this.db, live(projection));
          const scanned = await scanDigest(this.db, this.read.dialect, live(projection));
          const rebuilt = await target.digest(projection.tables);
          results.push({
            name: projection.name,
            live: maintained,
            rebuilt,
            scanned,
            equal: maintained === rebuilt && maintained === scanned,
          });
        }
        return results;
      });
    } finally {
      await target.discard(tables);
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
