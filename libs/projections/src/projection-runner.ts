import type { EventStore, ProjectionStatus, RecordedEvent, Subscription } from '@annals/application';
import {
  LIVE_TABLES,
  createCheckpointTable,
  createViewIndexes,
  createViewTable,
  digestTables,
  dropTable,
  rebuildTables,
  renameTable,
  type ReadDatabase,
  type RunnerLease,
  type TableNames,
  type ViewDb,
} from '@annals/read-store';
import { Mutex } from './mutex';
import type { Projection } from './projection';

const BATCH = 500;
/** Events per rebuild transaction: larger commits rewrite fewer pages, smaller ones keep the event loop responsive. */
const REBUILD_BATCH = 500;
const MAX_BUFFER = 20_000;

interface Runtime {
  readonly projection: Projection;
  position: bigint;
  status: 'running' | 'rebuilding' | 'failed';
  lastError?: string;
  readonly lock: Mutex;
  digest?: { position: bigint; value: string };
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
    const known = new Set((await this.db.selectFrom('projection_checkpoints').select('name').execute()).map((row) => row.name));
    for (const runtime of this.runtimes) {
      for (const table of runtime.projection.tables) await createViewTable(this.db, table, LIVE_TABLES[table], 'live');
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
      await Promise.all(this.runtimes.map((runtime) => this.follow(runtime)));
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

  private async digest(runtime: Runtime): Promise<string> {
    return runtime.lock.run(async () => {
      if (runtime.digest?.position !== runtime.position) {
        const tables = runtime.projection.tables.map((table) => ({ table, physical: LIVE_TABLES[table] }));
        runtime.digest = { position: runtime.position, value: await digestTables(this.db, tables) };
      }
      return runtime.digest.value;
    });
  }

  /** Live: subscribe after the checkpoint, apply what arrives in batches, resubscribe after failures. */
  private async follow(runtime: Runtime): Promise<void> {
    let backoff = 100;
    while (!this.stopped && this.active) {
      const subscription = this.store.subscribe({ after: runtime.position });
      this.subscriptions.push(subscription);
      try {
        await this.pump(runtime, subscription);
        backoff = 100;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          await this.reloadPositions().catch(() => undefined);
          continue;
        }
        runtime.status = 'failed';
        runtime.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error(`projection ${runtime.projection.name} failed: ${runtime.lastError}; retrying in ${backoff} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 1000);
      } finally {
        this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
        await subscription.close().catch(() => undefined);
      }
    }
  }

  /** Reads the subscription into a bounded buffer and applies it batch by batch. */
  private async pump(runtime: Runtime, subscription: Subscription): Promise<void> {
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
          // Caught up without an error: whatever failed before has passed.
          if (runtime.status === 'failed') runtime.status = 'running';
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const batch = buffer.splice(0, BATCH);
        resume?.();
        resume = undefined;
        await runtime.lock.run(() => this.applyLive(runtime, batch));
        if (runtime.status === 'failed') runtime.status = 'running';
        this.notifyProgress();
      }
      if (failure) throw failure;
    } finally {
      await subscription.close();
      resume?.();
      await reader;
    }
  }

  private async applyLive(runtime: Runtime, batch: readonly RecordedEvent[]): Promise<void> {
    const fresh = batch.filter((event) => event.position > runtime.position);
    if (fresh.length === 0) return;
    const last = fresh[fresh.length - 1]!.position;
    const handled = fresh.filter((event) => runtime.projection.handles(event));
    const from = runtime.position;
    await this.db.transaction().execute(async (tx) => {
      // Compare-and-set: if another runner moved the checkpoint, this batch rolls back and nothing lands twice.
      if (!(await advanceCheckpoint(tx, runtime.projection, from, last))) throw new CheckpointMovedError(runtime.projection.name);
      if (handled.length > 0) await runtime.projection.apply(tx, LIVE_TABLES, handled);
    });
    runtime.position = last;
  }

  private notifyProgress(): void {
    const waiters = [...this.progressWaiters];
    this.progressWaiters.clear();
    for (const wake of waiters) wake();
  }

  /**
   * Blue/green: builds `<table>__next` from position 0 while the live tables keep serving, catches up to
   * the head under the projection's lock, then swaps the tables and the checkpoint in one transaction.
   */
  async rebuild(names: readonly string[] = this.names()): Promise<void> {
    for (const name of names) {
      const runtime = this.runtimes.find((r) => r.projection.name === name);
      if (!runtime) throw new Error(`Unknown projection ${name}`);
      await this.rebuildOne(runtime);
    }
  }

  private async rebuildOne(runtime: Runtime): Promise<void> {
    const { projection } = runtime;
    const next = rebuildTables();
    const tag = `r${Date.now().toString(36)}`;
    const previousStatus = runtime.status;
    runtime.status = 'rebuilding';
    try {
      for (const table of projection.tables) {
        await dropTable(this.db, next[table]);
        await createViewTable(this.db, table, next[table], tag, { indexes: 'build' });
      }
      let position = await this.project(projection, next, 0n);
      for (const table of projection.tables) await createViewIndexes(this.db, table, next[table], tag, 'rest');
      await runtime.lock.run(async () => {
        position = await this.project(projection, next, position);
        await this.db.transaction().execute(async (tx) => {
          for (const table of projection.tables) {
            await dropTable(tx, LIVE_TABLES[table]);
            await renameTable(tx, next[table], LIVE_TABLES[table]);
          }
          await saveCheckpoint(tx, projection, position);
        });
        runtime.position = position;
        runtime.digest = undefined;
      });
      this.logger.log(`projection ${projection.name} rebuilt up to position ${position}`);
    } finally {
      runtime.status = previousStatus === 'rebuilding' ? 'running' : previousStatus;
    }
  }

  /** Streams the log after `after` into the given tables, one transaction per batch. Returns the last position read. */
  async project(projection: Projection, tables: TableNames, after: bigint): Promise<bigint> {
    let position = after;
    let batch: RecordedEvent[] = [];
    const flush = async () => {
      const handled = batch.filter((event) => projection.handles(event));
      if (handled.length > 0) await this.db.transaction().execute((tx) => projection.apply(tx, tables, handled));
      batch = [];
      // better-sqlite3 is synchronous: give the event loop a turn so the live views keep answering meanwhile.
      await yieldToEventLoop();
    };
    for await (const event of this.store.readAll({ after, batchSize: BATCH })) {
      batch.push(event);
      position = event.position;
      if (batch.length >= REBUILD_BATCH) await flush();
    }
    await flush();
    return position;
  }

  /** Builds every projection into scratch tables and compares digests with the live views (the `verify` command). */
  async verify(): Promise<Array<{ name: string; live: string; rebuilt: string; equal: boolean }>> {
    const results = [];
    for (const runtime of this.runtimes) {
      const { projection } = runtime;
      const scratch = rebuildTables();
      for (const table of projection.tables) {
        await dropTable(this.db, scratch[table]);
        await createViewTable(this.db, table, scratch[table], `v${Date.now().toString(36)}`, { indexes: 'build' });
      }
      const result = await runtime.lock.run(async () => {
        await this.project(projection, scratch, 0n);
        const live = await digestTables(
          this.db,
          projection.tables.map((table) => ({ table, physical: LIVE_TABLES[table] })),
        );
        const rebuilt = await digestTables(
          this.db,
          projection.tables.map((table) => ({ table, physical: scratch[table] })),
        );
        return { name: projection.name, live, rebuilt, equal: live === rebuilt };
      });
      for (const table of projection.tables) await dropTable(this.db, scratch[table]);
      results.push(result);
    }
    return results;
  }
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
