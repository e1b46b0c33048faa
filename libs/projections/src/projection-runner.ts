import type { EventStore, ProjectionStatus } from '@annals/application';
import {
  LIVE_TABLES,
  createViewTable,
  digestTables,
  maintainDigest,
  type ReadDatabase,
  type RunnerLease,
  type ViewDb,
} from '@annals/read-store';
import { insertCheckpoint, logMismatch, prepareCheckpoints, readCheckpoints, recordLogIdentityIfMissing } from './checkpoints';
import { LiveProcessor } from './live-processor';
import { Mutex } from './mutex';
import type { Projection } from './projection';
import { Rebuilder, type VerifyResult } from './rebuilder';
import type { Runtime, RunnerLogger } from './runtime';

export type { RunnerLogger } from './runtime';
export { yieldToEventLoop } from './runtime';
export type { VerifyResult } from './rebuilder';

/**
 * Feeds each projection from the event store's global log, starting after its stored checkpoint.
 * A batch of events and the new checkpoint are written in ONE read-store transaction: a crash between
 * batches replays nothing twice, and redelivered events at or below the checkpoint are skipped.
 *
 * At start it decides, per projection, whether the views it finds may serve:
 * - built by this version from this log: they serve and are fed live;
 * - built by another version, with the same table layout: they keep serving (listed with their old version,
 *   status `rebuilding`) and keep being fed, while the new version is built blue/green and swapped in;
 * - built by another version with another layout (this code cannot read them), or from another log (a
 *   restored or replaced event store: they would answer for events that are not there): they never serve.
 *   `init` builds their replacement blue/green before it returns, so the service answers only afterwards.
 */
export class ProjectionRunner {
  private readonly runtimes: Runtime[];
  private readonly progressWaiters = new Set<() => void>();
  private readonly progressListeners: Array<() => void> = [];
  private readonly live: LiveProcessor;
  private readonly rebuilder: Rebuilder;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private readonly leaseAbort = new AbortController();
  private lease?: RunnerLease;
  private active = false;
  /** Projections of another version whose views may serve meanwhile: rebuilt once this runner leads. */
  private outdated: string[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly read: ReadDatabase,
    projections: readonly Projection[],
    private readonly logger: RunnerLogger = { log: () => undefined, error: () => undefined },
  ) {
    this.runtimes = projections.map((projection) => ({
      projection,
      position: 0n,
      status: 'running',
      servingVersion: projection.version,
      lock: new Mutex(),
    }));
    this.rebuilder = new Rebuilder(store, read, logger);
    this.live = new LiveProcessor(store, read, this.runtimes, {
      running: () => !this.stopped && this.active,
      lowest: () => this.position,
      progressed: () => this.notifyProgress(),
      reload: () => this.reloadPositions(),
      logger,
    });
  }

  get db(): ViewDb {
    return this.read.db;
  }

  /**
   * Creates what is missing, checks the views against the log and the code, and reads the checkpoints.
   * `leaseHeld`: the caller already holds the writer lease (the CLI's `rebuild`).
   */
  async init(options: { leaseHeld?: boolean } = {}): Promise<void> {
    await prepareCheckpoints(this.db, this.read.dialect);
    const stored = await readCheckpoints(this.db);
    const mismatch = await logMismatch(this.db, this.store, stored);
    const blocking: Runtime[] = [];
    for (const runtime of this.runtimes) {
      const { projection } = runtime;
      const row = stored.find((checkpoint) => checkpoint.name === projection.name);
      runtime.servingVersion = row?.version ?? projection.version;
      if (mismatch) continue;
      if (row && row.version !== projection.version) {
        runtime.status = 'rebuilding';
        if (await this.rebuilder.layoutMatches(projection)) this.outdated.push(projection.name);
        else blocking.push(runtime);
        if (blocking.includes(runtime)) continue;
      }
      for (const table of projection.tables) {
        await createViewTable(this.db, table, LIVE_TABLES[table], 'live', { dialect: this.read.dialect });
        await maintainDigest(this.db, this.read.dialect, LIVE_TABLES[table]);
      }
      // Only what is missing is written: a standby replica starting up takes no write lock.
      if (!row) await insertCheckpoint(this.db, projection);
    }
    await this.reloadPositions();
    if (mismatch) {
      this.logger.error(`the views were built from another event log (${mismatch}): rebuilding them from this one before serving`);
      await this.rebuildBeforeServing(this.runtimes, true, options);
    } else if (blocking.length > 0) {
      for (const { projection, servingVersion } of blocking)
        this.logger.log(
          `projection ${projection.name} is now version ${projection.version} with another table layout (views were ${servingVersion}): building it before serving`,
        );
      await this.rebuildBeforeServing(blocking, false, options);
    }
    if (!mismatch) await recordLogIdentityIfMissing(this.db, this.store);
    for (const name of this.outdated)
      this.logger.log(`projection ${name}: views of an older version serve while this version is rebuilt into fresh tables`);
  }

  /** Views that must not serve are replaced first; with another replica leading, it may be doing just that. */
  private async rebuildBeforeServing(runtimes: Runtime[], newLog: boolean, options: { leaseHeld?: boolean }): Promise<void> {
    while (!this.stopped) {
      const lease = options.leaseHeld
        ? undefined
        : await this.read.acquireRunnerLease(AbortSignal.any([this.leaseAbort.signal, AbortSignal.timeout(1000)]));
      if (lease || options.leaseHeld) {
        this.read.files?.sweep();
        try {
          await this.rebuild(
            runtimes.map((runtime) => runtime.projection.name),
            { newLog },
          );
        } finally {
          await lease?.release();
        }
        return;
      }
      await this.read.refresh();
      const stored = await readCheckpoints(this.db);
      const settled = runtimes.every((r) => stored.find((c) => c.name === r.projection.name)?.version === r.projection.version);
      if (settled && !(await logMismatch(this.db, this.store, stored))) return this.reloadPositions();
    }
  }

  private async reloadPositions(): Promise<void> {
    // Another process (the leader, for a standby) may have swapped in a new generation of the views.
    await this.read.refresh();
    const rows = await readCheckpoints(this.db);
    for (const runtime of this.runtimes) {
      const row = rows.find((r) => r.name === runtime.projection.name);
      if (!row) continue;
      runtime.position = row.position;
      runtime.servingVersion = row.version;
      // A standby sees the leader's swap here.
      if (runtime.status === 'rebuilding' && row.version === runtime.projection.version && !this.active) runtime.status = 'running';
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
      // The writer of the views now: what a rebuild cut off by a crash left behind goes.
      this.read.files?.sweep();
      this.active = true;
      await this.reloadPositions();
      // Losing the lease (its connection gone) makes this runner a standby again at once.
      void this.lease.lost.then(() => this.stepDown());
      const upgrade = this.upgradeOutdated();
      await this.live.follow();
      await upgrade;
      await this.lease.release().catch(() => undefined);
      this.lease = undefined;
    }
  }

  /** The new version of projections whose old views serve meanwhile, built blue/green next to the live loop. */
  private async upgradeOutdated(): Promise<void> {
    const names = this.runtimes.filter((r) => r.servingVersion !== r.projection.version).map((r) => r.projection.name);
    if (names.length === 0) return;
    await this.rebuild(names).then(
      () => (this.outdated = []),
      (error: unknown) => this.logger.error(`rebuilding ${names.join(', ')} for their new version failed: ${String(error)}`),
    );
  }

  private stepDown(): void {
    if (!this.active) return;
    this.active = false;
    this.logger.error('projection runner lost its lease; standing by');
    void this.live.closeAll();
  }

  /** True while this process holds the lease and runs the projections. */
  get isActive(): boolean {
    return this.active;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.leaseAbort.abort();
    await this.live.closeAll();
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

  /** Each projection as it serves now; the digest is the maintained one: a lookup, however large the views. */
  async statuses(): Promise<ProjectionStatus[]> {
    const out: ProjectionStatus[] = [];
    for (const runtime of this.runtimes) {
      const tables = runtime.projection.tables.map((table) => ({ table, physical: LIVE_TABLES[table] }));
      out.push({
        name: runtime.projection.name,
        version: runtime.servingVersion,
        position: runtime.position,
        status: runtime.status,
        digest: await digestTables(this.db, tables),
      });
    }
    return out;
  }

  names(): string[] {
    return this.runtimes.map((runtime) => runtime.projection.name);
  }

  /** Called after every change of position or status (the worker thread forwards them to the main thread). */
  onProgress(listener: () => void): void {
    this.progressListeners.push(listener);
  }

  private notifyProgress(): void {
    for (const listener of this.progressListeners) listener();
    const waiters = [...this.progressWaiters];
    this.progressWaiters.clear();
    for (const wake of waiters) wake();
  }

  /** Blue/green: see `Rebuilder.rebuild`. The named projections are rebuilt together, from ONE pass over the log. */
  async rebuild(asked: readonly string[] = this.names(), options: { newLog?: boolean } = {}): Promise<void> {
    for (const name of asked) if (!this.names().includes(name)) throw new Error(`Unknown projection ${name}`);
    // A SQLite generation file holds every view: all are rebuilt into it (one pass over the log costs about the
    // same for one projection as for all: the developments dominate).
    const names = this.read.files ? this.names() : asked;
    // In the runner's order: locks are always taken in that order.
    const runtimes = this.runtimes.filter((runtime) => names.includes(runtime.projection.name));
    const previous = runtimes.map((runtime) => runtime.status);
    for (const runtime of runtimes) runtime.status = 'rebuilding';
    // A rebuild started by the active runner stops if its lease goes: the new holder writes the views now.
    const leased = this.active;
    const stillLeased = () => {
      if (leased && !this.active) throw new Error('this replica lost the runner lease during the rebuild; nothing was swapped');
    };
    try {
      await this.rebuilder.rebuild(runtimes, stillLeased, options);
    } finally {
      runtimes.forEach((runtime, index) => {
        const before = previous[index]!;
        if (runtime.servingVersion !== runtime.projection.version) runtime.status = 'rebuilding';
        else runtime.status = before === 'failed' ? 'failed' : 'running';
      });
    }
    this.notifyProgress();
  }

  /** Builds every projection into scratch tables and compares digests with the live views (the `verify` command). */
  verify(): Promise<VerifyResult[]> {
    return this.rebuilder.verify(this.runtimes);
  }
}
