import type { EventStore, ProjectionStatus } from '@annals/application';
import type { ReadDatabase, ViewDb } from '@annals/read-store';
import { recordLogIdentityIfMissing } from './checkpoints';
import { Leadership } from './leadership';
import { LiveProcessor } from './live-processor';
import { Mutex } from './mutex';
import { PositionWaiters } from './position-waiters';
import type { Projection } from './projection';
import { Rebuilder, type VerifyResult } from './rebuilder';
import { planServing, rebuildBeforeServing, reloadPositions } from './runner-bootstrap';
import type { AppliedBatch, ProgressListener } from './runner-progress';
import { lowestPosition, statesOf, statusesFromViews, whileRebuilding, type ProjectionState } from './runner-status';
import type { Runtime, RunnerLogger } from './runtime';

export type { RunnerLogger } from './runtime';
export { yieldToEventLoop } from './runtime';
export type { VerifyResult } from './rebuilder';
export * from './runner-progress';
export { PositionWaiters } from './position-waiters';
export { statusesFromViews, type ProjectionState } from './runner-status';

/**
 * Feeds each projection from the event store's global log, starting after its stored checkpoint. The parts, one
 * job each: `planServing` (tables, versions, log identity), `Leadership` (the lease, standing by), `LiveProcessor`
 * (the live batches), `Rebuilder` (blue/green rebuilds and verify), `PositionWaiters` (read-your-writes).
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
  private readonly listeners: ProgressListener[] = [];
  private readonly waiters = new PositionWaiters(
    () => this.position,
    () => this.leadership.isStopped,
  );
  private readonly leadership: Leadership;
  private readonly live: LiveProcessor;
  private readonly rebuilder: Rebuilder;

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
    this.leadership = new Leadership(read, {
      followLeader: () => this.reloadPositions().then(() => this.notifyProgress()),
      lead: () => this.lead(),
      release: () => this.live.closeAll(),
      logger,
    });
    this.live = new LiveProcessor(store, read, this.runtimes, {
      running: () => this.leadership.leading,
      lowest: () => this.position,
      progressed: (applied) => this.notifyProgress(applied),
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
    const { mismatch, blocking, outdated } = await planServing(this.store, this.read, this.runtimes, this.rebuilder);
    await this.reloadPositions();
    const replace = (runtimes: readonly Runtime[], newLog: boolean) =>
      rebuildBeforeServing(this.store, this.read, runtimes, {
        stopped: () => this.leadership.isStopped,
        lease: () => (options.leaseHeld ? Promise.resolve({ release: async () => undefined }) : this.leadership.tryLease()),
        rebuild: (names) => this.rebuild(names, { newLog }),
        reload: () => this.reloadPositions(),
      });
    if (mismatch) {
      this.logger.error(`the views were built from another event log (${mismatch}): rebuilding them from this one before serving`);
      await replace(this.runtimes, true);
    } else if (blocking.length > 0) {
      for (const { projection, servingVersion } of blocking)
        this.logger.log(
          `projection ${projection.name} is now version ${projection.version} with another table layout (views were ${servingVersion}): building it before serving`,
        );
      await replace(blocking, false);
    }
    if (!mismatch) await recordLogIdentityIfMissing(this.db, this.store);
    for (const name of outdated)
      this.logger.log(`projection ${name}: views of an older version serve while this version is rebuilt into fresh tables`);
  }

  private reloadPositions(): Promise<void> {
    return reloadPositions(this.read, this.runtimes, this.leadership.isActive);
  }

  /** Stands by until this process holds the writer lease, then runs the projections (see `Leadership`). */
  start(): void {
    this.leadership.start();
  }

  /** Leading: caught up from the checkpoints as stored, fed live, and projections of an older version rebuilt alongside. */
  private async lead(): Promise<void> {
    await this.reloadPositions();
    const upgrade = this.upgradeOutdated();
    await this.live.follow();
    await upgrade;
  }

  /** The new version of projections whose old views serve meanwhile, built blue/green next to the live loop. */
  private async upgradeOutdated(): Promise<void> {
    const names = this.runtimes.filter((r) => r.servingVersion !== r.projection.version).map((r) => r.projection.name);
    if (names.length === 0) return;
    await this.rebuild(names).catch((error: unknown) =>
      this.logger.error(`rebuilding ${names.join(', ')} for their new version failed: ${String(error)}`),
    );
  }

  /** True while this process holds the lease and runs the projections. */
  get isActive(): boolean {
    return this.leadership.isActive;
  }

  async stop(): Promise<void> {
    await this.leadership.stop();
    this.waiters.wake();
  }

  /** The lowest position every projection has reached. */
  get position(): bigint {
    return lowestPosition(this.runtimes);
  }

  get healthy(): boolean {
    return this.runtimes.every((runtime) => runtime.status !== 'failed');
  }

  /** Resolves true once every projection has reached `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return this.waiters.waitFor(position, timeoutMs);
  }

  /** Each projection as it serves now; the digest is the maintained one: a lookup, however large the views. */
  statuses(): Promise<ProjectionStatus[]> {
    return statusesFromViews(this.db, this.read.dialect, this.states(), this.runtimes.map((runtime) => runtime.projection));
  }

  /** Each projection's version, position and status as this runner knows them now (no digest: nothing is read). */
  states(): ProjectionState[] {
    return statesOf(this.runtimes);
  }

  names(): string[] {
    return this.runtimes.map((runtime) => runtime.projection.name);
  }

  /**
   * Called after every change of position or status, with what a live batch applied (the worker thread forwards
   * it to the main thread; the live feed announces from it).
   */
  onProgress(listener: ProgressListener): void {
    this.listeners.push(listener);
  }

  private notifyProgress(applied?: AppliedBatch): void {
    const progress = { position: this.position, ...(applied ? { applied } : {}) };
    for (const listener of this.listeners) listener(progress);
    this.waiters.wake();
  }

  /** Blue/green: see `Rebuilder.rebuild`. The named projections are rebuilt together, from ONE pass over the log. */
  async rebuild(asked: readonly string[] = this.names(), options: { newLog?: boolean } = {}): Promise<void> {
    for (const name of asked) if (!this.names().includes(name)) throw new Error(`Unknown projection ${name}`);
    // A SQLite generation file holds every view: all are rebuilt into it (one pass over the log costs about the
    // same for one projection as for all: the developments dominate).
    const names = this.read.files ? this.names() : asked;
    // In the runner's order: locks are always taken in that order.
    const runtimes = this.runtimes.filter((runtime) => names.includes(runtime.projection.name));
    // A rebuild started by the active runner stops if its lease goes: the new holder writes the views now.
    const leased = this.isActive;
    const stillLeased = () => {
      if (leased && !this.isActive) throw new Error('this replica lost the runner lease during the rebuild; nothing was swapped');
    };
    await whileRebuilding(runtimes, () => this.rebuilder.rebuild(runtimes, stillLeased, options));
    this.notifyProgress();
  }

  /** Builds every projection into scratch tables and compares digests with the live views (the `verify` command). */
  verify(): Promise<VerifyResult[]> {
    return this.rebuilder.verify(this.runtimes);
  }
}
