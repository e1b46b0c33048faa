import type { ProjectionProgress, ProjectionStatus } from '@annals/application';
import type { ProgressListener, VerifyResult } from '@annals/projections';

/**
 * What the app uses of the projection runner (the DI token). The service's implementation is a proxy to the
 * runner in a worker thread (`ProjectionsWorker`), so projecting never competes with requests for the event loop.
 */
export abstract class Projections implements ProjectionProgress {
  /** Prepares the views (and rebuilds those that must not serve) before the service answers. */
  abstract init(): Promise<void>;
  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  /** The lowest position every projection has reached. */
  abstract get position(): bigint;
  abstract get healthy(): boolean;
  /** True while this process holds the views' writer lease and runs the projections. */
  abstract get isActive(): boolean;
  abstract names(): string[];
  abstract waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
  abstract statuses(): Promise<ProjectionStatus[]>;
  abstract rebuild(names?: readonly string[]): Promise<void>;
  abstract verify(): Promise<VerifyResult[]>;
  /** Called whenever the runner moves, with what its live batches applied (the live feed's source). */
  abstract onProgress(listener: ProgressListener): void;
  /** Called when the runner swapped in views of a new generation (SQLite): this thread's readers must follow. */
  abstract onViewsSwapped(listener: () => void): void;
}
