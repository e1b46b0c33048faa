import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProjectionStatus } from '@annals/application';
import { ALL_PROJECTIONS, PositionWaiters, statusesFromViews, type ProgressListener, type VerifyResult } from '@annals/projections';
import type { ReadDatabase } from '@annals/read-store';
import type { AppConfig } from '../config/app-config';
import { Projections } from './projections';
import type { FromWorker, RunnerMethod, RunnerState, RunnerWorkerData, ToWorker } from './runner.protocol';

/** The compiled worker entry; from the TypeScript sources (jest), the built one (`npm run build`). */
function workerFile(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'runner.worker.js');
  const root = join(__dirname, '..', '..', '..', '..');
  const built = join(root, 'dist', relative(root, __dirname), 'runner.worker.js');
  if (!existsSync(built)) throw new Error(`the projections worker is not built (${built}): run npm run build`);
  return built;
}

/** Old-generation ceiling of the projections thread, MB (its live batches and a rebuild's batches fit many times over). */
const WORKER_HEAP_MB = 160;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The main thread's side of the projection runner: the surface the app uses, fed by the worker's messages.
 * Position, health, the lease and each projection's state are known here at once (read-your-writes waits on them
 * without a round trip; a status is answered from them and this thread's own reads of the views, never waiting for
 * the worker, which may be busy with a batch or a rebuild); rebuilds and verifies are calls answered by the worker.
 */
export class ProjectionsWorker extends Projections {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private state: RunnerState = { position: 0n, healthy: true, active: false, projections: [] };
  /** This thread's views connection, once the app has opened it: statuses are read there. */
  private views?: ReadDatabase;
  /** Projections a rebuild was asked for and has not answered yet: `rebuilding`, even before the worker says so. */
  private readonly rebuildAsked = new Map<number, readonly string[]>();
  private stopped = false;
  private exited = false;
  private readonly waiters = new PositionWaiters(
    () => this.state.position,
    () => this.stopped,
  );
  private readonly viewListeners: Array<() => void> = [];
  private readonly progressListeners: ProgressListener[] = [];

  constructor(
    config: AppConfig,
    private readonly logger: { log(message: string): void; error(message: string): void },
  ) {
    super();
    // The worker's heap holds bounded batches only (nothing grows with the log): a ceiling keeps V8 from letting it
    // grow to what the machine would allow, so the process (both threads) stays within its memory budget.
    this.worker = new Worker(workerFile(), {
      workerData: { config } satisfies RunnerWorkerData,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    this.worker.on('message', (message: FromWorker) => this.receive(message));
    this.worker.on('error', (error) => this.logger.error(`projections worker failed: ${error.message}`));
    this.worker.on('exit', (code) => {
      this.exited = true;
      this.state = { ...this.state, healthy: this.stopped, active: false };
      if (!this.stopped) this.logger.error(`projections worker exited (code ${code})`);
      for (const pending of this.pending.values()) pending.reject(new Error('the projections worker exited'));
      this.pending.clear();
      this.waiters.wake();
    });
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'state': {
        this.state = { position: message.position, healthy: message.healthy, active: message.active, projections: message.projections };
        this.waiters.wake();
        const progress = { position: message.position, ...(message.applied ? { applied: message.applied } : {}) };
        for (const listener of this.progressListeners) listener(progress);
        return;
      }
      case 'views':
        for (const listener of this.viewListeners) listener();
        return;
      case 'log':
        return message.level === 'error' ? this.logger.error(message.message) : this.logger.log(message.message);
      case 'reply': {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.ok) pending?.resolve(message.value);
        else pending?.reject(new Error(message.error));
        return;
      }
    }
  }

  private call<T>(method: RunnerMethod, ...args: unknown[]): Promise<T> {
    if (this.exited) return Promise.reject(new Error('the projections worker is not running'));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ type: 'call', id, method, args } satisfies ToWorker);
    });
  }

  onProgress(listener: ProgressListener): void {
    this.progressListeners.push(listener);
  }

  onViewsSwapped(listener: () => void): void {
    this.viewListeners.push(listener);
  }

  /** The main thread committed to the embedded log: the worker reads on without waiting for its poll. */
  committed(): void {
    if (!this.exited) this.worker.postMessage({ type: 'commit' } satisfies ToWorker);
  }

  init(): Promise<void> {
    return this.call('init');
  }

  start(): Promise<void> {
    return this.call('start');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // The worker stops its runner and closes its connections, then its thread ends; terminate is the backstop.
    await this.call('stop').catch(() => undefined);
    if (!this.exited) await this.worker.terminate();
    this.waiters.wake();
  }

  get position(): bigint {
    return this.state.position;
  }

  get healthy(): boolean {
    return this.state.healthy;
  }

  get isActive(): boolean {
    return this.state.active;
  }

  names(): string[] {
    return ALL_PROJECTIONS.map((projection) => projection.name);
  }

  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return this.waiters.waitFor(position, timeoutMs);
  }

  /** Statuses are answered from `read` (this thread's connection) from now on. */
  readStatusesFrom(read: ReadDatabase): void {
    this.views = read;
  }

  async statuses(): Promise<ProjectionStatus[]> {
    const states = this.state.projections;
    if (!this.views || states.length === 0) return this.call('statuses');
    const asked = new Set([...this.rebuildAsked.values()].flat());
    const current = states.map((state) =>
      asked.has(state.name) && state.status === 'running' ? { ...state, status: 'rebuilding' as const } : state,
    );
    return statusesFromViews(this.views.db, this.views.dialect, current, ALL_PROJECTIONS);
  }

  async rebuild(names?: readonly string[]): Promise<void> {
    const ticket = ++this.nextId;
    this.rebuildAsked.set(ticket, names ?? this.names());
    try {
      await this.call('rebuild', names);
    } finally {
      this.rebuildAsked.delete(ticket);
    }
  }

  verify(): Promise<VerifyResult[]> {
    return this.call('verify');
  }
}
