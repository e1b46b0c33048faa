import type { AppliedBatch, ProjectionState } from '@annals/projections';
import type { AppConfig } from '../config/app-config';

/** Messages between the main thread's `ProjectionsWorker` and the runner in `runner.worker.ts`. */
export type RunnerMethod = 'init' | 'start' | 'stop' | 'statuses' | 'rebuild' | 'verify';

export interface RunnerWorkerData {
  readonly config: AppConfig;
}

export type ToWorker =
  | { readonly type: 'call'; readonly id: number; readonly method: RunnerMethod; readonly args: readonly unknown[] }
  /** The main thread committed to the embedded log: the worker's subscription reads on at once. */
  | { readonly type: 'commit' };

export interface RunnerState {
  readonly position: bigint;
  readonly healthy: boolean;
  readonly active: boolean;
  /** Each projection's version, position and status: the main thread answers statuses from them and its own reads. */
  readonly projections: readonly ProjectionState[];
}

export type FromWorker =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  /** The runner moved; `applied`: what the live batch that moved it held (the live feed announces from it). */
  | ({ readonly type: 'state'; readonly applied?: AppliedBatch } & RunnerState)
  | { readonly type: 'log'; readonly level: 'log' | 'error'; readonly message: string }
  /** The views moved to a new generation file (a rebuild swapped it in): the main thread's readers follow. */
  | { readonly type: 'views' };
