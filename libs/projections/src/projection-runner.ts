import type { EventStore, ProjectionStatus, RecordedEvent, Subscription } from '@annals/application';
import {
  LIVE_TABLES,
  createCheckpointTable,
  createViewIndexes,
  createViewTable,
  digestTables,
  dropTable,
  forgetDigest,
  maintainDigest,
  moveDigest,
  scanDigest,
  rebuildTables,
  renameTable,
  type ReadDatabase,
  type RunnerLease,
  type TableNames,
  type ViewDb,
  type ViewTable,
} from '@annals/read-store';
import { Mutex } from './mutex';
import type { Projection, ViewTx } from './projection';

const BATCH = 500;
/**
 * A rebuild commits batches sized to take about this long: larger commits cost fewer page rewrites, shorter ones
 * keep the service answering (on SQLite, reads wait for the one connection while a batch is written).
 */
const REBUILD_TRANSACTION_MS = 100;
const REBUILD_BATCH = { first: 500, min: 20, max: 5000 };
const MAX_BUFFER = 20_000;

interface Runtime {
  readonly projection: Projection;
  position: bigint;
  status: 'running' | 'rebuilding' | 'failed';
  lastError?: string;
  readonly lock: Mutex;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

/**
 * Feeds each projection from the event store's global log, starting after its stored checkpoint.
 * A batch of events and the new checkpoint are written in ONE read-store transaction: a crash between
 * batches replays nothing twice, and redelivered events at or below the checkpoint are skipped.
 */
export class ProjectionRunner {
  private readonly runtimes: Runtime[];
  private readonly subscriptions: Subscription[] = [];
  private readonly progressWaiters = new Set<() => void>();
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly leaseAbort = new AbortController();
  private lease?: RunnerLease;
  private active = false;

  constructor(
    private readonly store: EventStore,
    private readonly read: ReadDatabase,
    projections: readonly Projection[],
    private readonly logger: RunnerLogger = { log: () => undefined, error: () => undefined },
  ) {
    this.runtimes = projections.map((projection) => ({ projection, position: 0n, status: 'running', lock: new Mutex() }));
  }

  get db(): ViewDb {
    return this.read.db;
  }

  /** Creates the view tables that are missing and reads the checkpoints. */
  async init(): Promise<void> {
    await createCheckpointTable(this.db);
    const stored = await this.db.selectFrom('projection_checkpoints').select(['name', 'version']).execute();
    const known = new Set(stored.map((row) => row.name));
    for (const runtime of this.runtimes) {
      const version = stored.find((row) => row.name === runtime.projection.name)?.version;
      if (version !== undefined && Number(version) !== runtime.projection.version)
        await this.resetOutdated(runtime.projection, Number(version));
      for (const table of runtime.projection.tables) {
        await createViewTable(this.db, table, LIVE_TABLES[table], 'live', { dialect: this.read.dialect });
        await maintainDigest(this.db, this.read.dialect, LIVE_TABLES[table]);
      }
      // Only what is missing is written: a standby replica starting up takes no write lock.
      if (known.has(runtime.projection.name)) continue;
      await this.db
        .insertInto('projection_checkpoints')
        .values({ name: runtime.projection.name, position: 0, version: runtime.projection.version })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
    }
    await this.reloadPositions();
  }

  /**
   * Views written by another version of a projection have another shape: they are dropped and the log is
   * replayed into fresh ones. The version moves by compare-and-set, so of several replicas starting together
   * only one drops them.
   */
  private async resetOutdated(projection: Projection, storedVersion: number): Promise<void> {
    const reset = await this.db.transaction().execute(async (tx) => {
      const claimed = await tx
        .updateTable('projection_checkpoints')
        .set({ position: 0, version: projection.version })
        .where('name', '=', projection.name)
        .where('version', '=', storedVersion)
        .executeTakeFirst();
      if (claimed.numUpdatedRows !== 1n) return false;
      for (const table of projection.tables) {
        await dropTable(tx, LIVE_TABLES[table]);
        await forgetDigest(tx, LIVE_TABLES[table]);
      }
      return true;
    });
    if (reset)
      this.logger.log(
        `projection ${projection.name} is now version ${projection.version} (views were ${storedVersion}): replaying the log`,
      );
  }

  private async reloadPositions(): Promise<void> {
    const rows = await this.db.selectFrom('projection_checkpoints').selectAll().execute();
    for (const runtime of this.runtimes) {
      const row = rows.find((r) => r.name === runtime.projection.name);
      if (row) runtime.position = BigInt(row.position);
    }
  }

  /**
   * Only one runner per read database writes the views (a lease: an advisory lock on PostgreSQL). Until this
   * process holds it, it stands by and follows the active runner's checkpoints, so read-your-writes still works.
   */
  start(): void {
    this.loops = [this.lead()];
  }

  private async lead(): Promise<void> {
    while (!this.stopped) {
      const standby = setInterval(() => {
        this.reloadPositions().then(
          () => this.notifyProgress(),
          () => undefined,
        );
      }, 200);
      try {
        this.lease = await this.read.acquireRunnerLease(this.leaseAbort.signal);
      } finally {
        clearInterval(standby);
      }
      if (!this.lease || this.stopped) return;
      this.active = true;
      await this.reloadPositions();
      // Losing the lease (its connection gone) makes this runner a standby again at once.
      void this.lease.lost.then(() => this.stepDown());
      await this.follow();
      await this.lease.release().catch(() => undefined);
      this.lease = undefined;
    }
  }

  private stepDown(): void {
    if (!this.active) return;
    this.active = false;
    this.logger.error('projection runner lost its lease; standing by');
    for (const subscription of this.subscriptions) void subscription.close();
  }

  /** True while this process holds the lease and runs the projections. */
  get isActive(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.leaseAbort.abort();
    await Promise.all(this.subscriptions.map((subscription) => subscription.close()));
    await Promise.all(this.loops);
    await this.lease?.release();
    for (const wake of this.progressWaiters) wake();
  }

  /** The lowest position every projection has reached. */
  get position(): bigint {
    return this.runtimes.reduce((min, r) => (r.position < min ? r.position : min), this.runtimes[0]?.position ?? 0n);
  }

  get healthy(): boolean {
    return this.runtimes.every((runtime) => runtime.status !== 'failed');
  }

  /** Resolves true once every projection has reached `position`, false after `timeoutMs`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.position < position) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.stopped) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, 250));
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.progressWaiters.add(done);
      });
    }
    return true;
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const out: ProjectionStatus[] = [];
    for (const runtime of this.runtimes) {
      out.push({
        name: runtime.projection.name,
        version: runtime.projection.version,
        position: runtime.position,
        status: runtime.status,
        digest: await this.digest(runtime),
      });
    }
    return out;
  }

  names(): string[] {
    return this.runtimes.map((runtime) => runtime.projection.name);
  }

  /** The maintained digest: a lookup, however large the views. */
  private digest(runtime: Runtime): Promise<string> {
    return digestTables(this.db, this.physical(runtime.projection, LIVE_TABLES));
  }

  private physical(projection: Projection, names: TableNames) {
    return projection.tables.map((table) => ({ table, physical: names[table] }));
  }

  /**
   * Live: ONE subscription from the lowest checkpoint feeds every projection, and each batch lands for all of
   * them in one transaction (one log read, one commit). A projection whose batch fails is retried on its own,
   * so it cannot hold the others back; the loop then resubscribes from the lowest checkpoint after a backoff.
   */
  private async follow(): Promise<void> {
    let backoff = 100;
    while (!this.stopped && this.active) {
      const subscription = this.store.subscribe({ after: this.position });
      this.subscriptions.push(subscription);
      try {
        await this.pump(subscription);
        backoff = 100;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          await this.reloadPositions().catch(() => undefined);
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.logger.error(`projections stopped at a failing batch: ${message}; retrying in ${backoff} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 1000);
      } finally {
        this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
        await subscription.close().catch(() => undefined);
      }
    }
  }

  /** Reads the subscription into a bounded buffer and applies it batch by batch. */
  private async pump(subscription: Subscription): Promise<void> {
    const buffer: RecordedEvent[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let resume: (() => void) | undefined;
    const reader = (async () => {
      try {
        for await (const event of subscription) {
          buffer.push(event);
          wake?.();
          if (buffer.length >= MAX_BUFFER) await new Promise<void>((resolve) => (resume = resolve));
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error('the subscription failed');
      } finally {
        ended = true;
        wake?.();
      }
    })();
    try {
      while (!this.stopped && this.active) {
        if (buffer.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const batch = buffer.splice(0, BATCH);
        resume?.();
        resume = undefined;
        await this.applyLive(batch);
        this.notifyProgress();
      }
      if (failure) throw failure;
    } finally {
      await subscription.close();
      resume?.();
      await reader;
    }
  }

  private async applyLive(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch[batch.length - 1]!.position;
    const due = this.runtimes.filter((runtime) => runtime.position < last);
    if (due.length === 0) return;
    await withLocks(due, async () => {
      try {
        const reached = await this.db.transaction().execute(async (tx) => {
          const out: bigint[] = [];
          for (const runtime of due) out.push(await this.applyTo(tx, runtime, batch));
          return out;
        });
        due.forEach((runtime, index) => {
          runtime.position = reached[index]!;
          if (runtime.status === 'failed') runtime.status = 'running';
        });
        return;
      } catch (error) {
        if (error instanceof CheckpointMovedError || due.length === 1) {
          if (!(error instanceof CheckpointMovedError)) this.markFailed(due[0]!, error);
          throw error;
        }
      }
      // Something failed: apply each projection alone, so the healthy ones go on and the failing one is named.
      let failure: Error | undefined;
      for (const runtime of due) {
        try {
          runtime.position = await this.db.transaction().execute((tx) => this.applyTo(tx, runtime, batch));
          if (runtime.status === 'failed') runtime.status = 'running';
        } catch (error) {
          if (error instanceof CheckpointMovedError) throw error;
          this.markFailed(runtime, error);
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
      }
      if (failure) throw failure;
    });
  }

  private markFailed(runtime: Runtime, error: unknown): void {
    runtime.status = 'failed';
    runtime.lastError = error instanceof Error ? error.message : String(error);
    this.logger.error(`projection ${runtime.projection.name} failed: ${runtime.lastError}`);
  }

  /** One projection's share of a batch, with its checkpoint moved by compare-and-set. Returns the new checkpoint. */
  private async applyTo(tx: ViewDb, runtime: Runtime, batch: readonly RecordedEvent[]): Promise<bigint> {
    const fresh = batch.filter((event) => event.position > runtime.position);
    if (fresh.length === 0) return runtime.position;
    const last = fresh[fresh.length - 1]!.position;
    // Compare-and-set: if another runner moved the checkpoint, this batch rolls back and nothing lands twice.
    if (!(await advanceCheckpoint(tx, runtime.projection, runtime.position, last))) throw new CheckpointMovedError(runtime.projection.name);
    const handled = fresh.filter((event) => runtime.projection.handles(event));
    if (handled.length > 0) await runtime.projection.apply(this.view(tx, LIVE_TABLES), handled);
    return last;
  }

  private view(tx: ViewDb, tables: TableNames): ViewTx {
    return {
      db: tx,
      tables,
      insert: (table, rows) => this.read.insertRows(tx, tables[table], rows),
    };
  }

  private notifyProgress(): void {
    const waiters = [...this.progressWaiters];
    this.progressWaiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Blue/green: builds `<table>__next` from position 0 while the live tables keep serving, catches up to
   * the head under the projections' locks, then swaps the tables and the checkpoints in one transaction.
   * The named projections are rebuilt together, from ONE pass over the log.
   */
  async rebuild(names: readonly string[] = this.names()): Promise<void> {
    for (const name of names) if (!this.names().includes(name)) throw new Error(`Unknown projection ${name}`);
    // In the runner's order: locks are always taken in that order.
    const runtimes = this.runtimes.filter((runtime) => names.includes(runtime.projection.name));
    const next = rebuildTables();
    const tag = `r${Date.now().toString(36)}`;
    const previous = runtimes.map((runtime) => runtime.status);
    for (const runtime of runtimes) runtime.status = 'rebuilding';
    const projections = runtimes.map((runtime) => runtime.projection);
    const tables = projections.flatMap((projection) => projection.tables);
    // A rebuild started by the active runner stops if its lease goes: the new holder writes the views now.
    const leased = this.active;
    const stillLeased = () => {
      if (leased && !this.active) throw new Error('this replica lost the runner lease during the rebuild; nothing was swapped');
    };
    try {
      for (const table of tables) await this.createScratch(table, next[table], tag);
      let position = await this.project(projections, next, 0n, stillLeased);
      await this.startDigests(tables, next);
      for (const table of tables) await createViewIndexes(this.db, table, next[table], tag, 'rest');
      await withLocks(runtimes, async () => {
        position = await this.project(projections, next, position, stillLeased);
        stillLeased();
        await this.db.transaction().execute(async (tx) => {
          for (const table of tables) {
            await dropTable(tx, LIVE_TABLES[table]);
            await renameTable(tx, next[table], LIVE_TABLES[table]);
            await moveDigest(tx, this.read.dialect, next[table], LIVE_TABLES[table]);
          }
          for (const projection of projections) await saveCheckpoint(tx, projection, position);
        });
        for (const runtime of runtimes) runtime.position = position;
      });
      this.logger.log(`projections ${names.join(', ')} rebuilt up to position ${position}`);
    } finally {
      runtimes.forEach((runtime, index) => {
        runtime.status = previous[index] === 'rebuilding' ? 'running' : previous[index]!;
      });
    }
  }

  /**
   * Streams the log after `after` into the given tables, one transaction per batch for all the projections;
   * `check` runs before each batch and may throw to stop. Returns the last position read.
   */
  async project(
    projections: readonly Projection[],
    tables: TableNames,
    after: bigint,
    check: () => void = () => undefined,
  ): Promise<bigint> {
    let position = after;
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
          for (const { projection, handled } of work) await projection.apply(this.view(tx, tables), handled);
        });
        // Events differ in cost (one timeline or sixty): steer the batch size towards the target duration.
        const wanted = (limit * REBUILD_TRANSACTION_MS) / Math.max(performance.now() - started, 1);
        limit = Math.round(Math.min(REBUILD_BATCH.max, Math.max(REBUILD_BATCH.min, (limit + wanted) / 2)));
      }
      batch = [];
      // better-sqlite3 is synchronous: give the event loop a turn so the live views keep answering meanwhile.
      await yieldToEventLoop();
    };
    for await (const event of this.store.readAll({ after, batchSize: 1000 })) {
      batch.push(event);
      position = event.position;
      if (batch.length >= limit) await flush();
    }
    await flush();
    return position;
  }

  /** A fresh table for a rebuild or a verify, loaded without digest triggers until `startDigests`. */
  private async createScratch(table: ViewTable, physical: string, tag: string): Promise<void> {
    await dropTable(this.db, physical);
    await forgetDigest(this.db, physical);
    await createViewTable(this.db, table, physical, tag, { dialect: this.read.dialect, indexes: 'build' });
  }

  /** After the first pass of a rebuild (without triggers: fast), before anything else may write the tables. */
  private async startDigests(tables: readonly ViewTable[], names: TableNames): Promise<void> {
    for (const table of tables) await maintainDigest(this.db, this.read.dialect, names[table], { quiet: true });
  }

  /**
   * The `verify` command: builds every projection into scratch tables, and compares three digests per
   * projection: the live views' maintained one, the live views' recomputed from their rows (a maintained digest
   * that drifted from the content is caught), and the scratch tables'.
   */
  async verify(): Promise<Array<{ name: string; live: string; rebuilt: string; equal: boolean; scanned: string }>> {
    const scratch = rebuildTables();
    const tag = `v${Date.now().toString(36)}`;
    const tables = this.runtimes.flatMap((runtime) => runtime.projection.tables);
    for (const table of tables) await this.createScratch(table, scratch[table], tag);
    try {
      return await withLocks(this.runtimes, async () => {
        await this.project(
          this.runtimes.map((runtime) => runtime.projection),
          scratch,
          0n,
        );
        await this.startDigests(tables, scratch);
        const results = [];
        for (const { projection } of this.runtimes) {
          const live = await digestTables(this.db, this.physical(projection, LIVE_TABLES));
          const scanned = await scanDigest(this.db, this.read.dialect, this.physical(projection, LIVE_TABLES));
          const rebuilt = await digestTables(this.db, this.physical(projection, scratch));
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
}

/** Runs `work` holding every runtime's lock, taken in one fixed order so two holders never deadlock. */
function withLocks<T>(runtimes: readonly Runtime[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = runtimes;
  if (!first) return work();
  return first.lock.run(() => withLocks(rest, work));
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class CheckpointMovedError extends Error {
  constructor(name: string) {
    super(`the checkpoint of ${name} was moved by another runner`);
  }
}

async function advanceCheckpoint(tx: ViewDb, projection: Projection, from: bigint, to: bigint): Promise<boolean> {
  const result = await tx
    .updateTable('projection_checkpoints')
    .set({ position: Number(to), version: projection.version })
    .where('name', '=', projection.name)
    .where('position', '=', Number(from))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

async function saveCheckpoint(tx: ViewDb, projection: Projection, position: bigint): Promise<void> {
  await tx
    .insertInto('projection_checkpoints')
    .values({ name: projection.name, position: Number(position), version: projection.version })
    .onConflict((oc) => oc.column('name').doUpdateSet({ position: Number(position), version: projection.version }))
    .execute();
}
