import type { ReadDatabase, RunnerLease } from '@annals/read-store';
import type { RunnerLogger } from './runtime';

/** How often a standby looks at the leader's checkpoints (read-your-writes on a standby waits on them). */
const STANDBY_POLL_MS = 200;

/**
 * Leader election: only one runner per read database writes the views (a lease: an advisory lock on PostgreSQL).
 * Until this process holds it, it stands by and follows the active runner's checkpoints; it leads once it gets the
 * lease, and stands by again at once if the lease is lost (its connection gone).
 */
export class Leadership {
  private lease?: RunnerLease;
  private active = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly read: ReadDatabase,
    private readonly hooks: {
      /** A few times a second while standing by. */
      readonly followLeader: () => Promise<void>;
      /** Holding the lease: runs the projections until `leading` turns false. */
      readonly lead: () => Promise<void>;
      /** The lease went, or the runner stops: what `lead` runs must end. */
      readonly release: () => Promise<void>;
      readonly logger: RunnerLogger;
    },
  ) {}

  /** True while this process holds the lease and runs the projections. */
  get isActive(): boolean {
    return this.active;
  }

  get leading(): boolean {
    return this.active && !this.stopped;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  start(): void {
    this.loop = this.run();
  }

  /** The lease within a second, or undefined (a rebuild before serving: another replica may hold it). */
  tryLease(): Promise<RunnerLease | undefined> {
    return this.read.acquireRunnerLease(AbortSignal.any([this.abort.signal, AbortSignal.timeout(1000)]));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.hooks.release();
    await this.loop;
    await this.lease?.release();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const standby = setInterval(() => void this.hooks.followLeader().catch(() => undefined), STANDBY_POLL_MS);
      try {
        this.lease = await this.read.acquireRunnerLease(this.abort.signal);
      } finally {
        clearInterval(standby);
      }
      if (!this.lease || this.stopped) return;
      // The writer of the views now: what a rebuild cut off by a crash left behind goes.
      this.read.files?.sweep();
      this.active = true;
      void this.lease.lost.then(() => this.stepDown());
      await this.hooks.lead();
      await this.lease.release().catch(() => undefined);
      this.lease = undefined;
    }
  }

  private stepDown(): void {
    if (!this.active) return;
    this.active = false;
    this.hooks.logger.error('projection runner lost its lease; standing by');
    void this.hooks.release();
  }
}
