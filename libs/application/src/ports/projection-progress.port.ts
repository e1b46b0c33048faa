/** How far the views have come: for read-your-writes and for finding what was just written. */
export interface ProjectionProgress {
  /** Resolves true once every view includes `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean>;
}
export const PROJECTION_PROGRESS = Symbol('PROJECTION_PROGRESS');
