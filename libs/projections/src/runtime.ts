import type { Mutex } from './mutex';
import type { Projection } from './projection';

/** What the runner knows of one projection while it runs. */
export interface Runtime {
  readonly projection: Projection;
  position: bigint;
  status: 'running' | 'rebuilding' | 'failed';
  /** The version of the code that built the views serving now (older than the projection's while it is rebuilt). */
  servingVersion: number;
  lastError?: string;
  readonly lock: Mutex;
}

export interface RunnerLogger {
  log(message: string): void;
  error(message: string): void;
}

/** Runs `work` holding every runtime's lock, taken in one fixed order so two holders never deadlock. */
export function withLocks<T>(runtimes: readonly Runtime[], work: () => Promise<T>): Promise<T> {
  const [first, ...rest] = runtimes;
  if (!first) return work();
  return first.lock.run(() => withLocks(rest, work));
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CheckpointMovedError extends Error {
  constructor(name: string) {
    super(`the checkpoint of ${name} was moved by another runner`);
  }
}
