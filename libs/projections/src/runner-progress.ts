import type { RecordedEvent } from '@annals/application';

/** What the processor reports of an event it applied: enough for the live feed to announce it, not its data. */
export interface AppliedEvent {
  readonly position: bigint;
  readonly type: string;
  /** The development the event is about, when it is about one. */
  readonly developmentId?: string;
  readonly recordedAt: string;
}

/** A run of the log the processor applied: every event after `after`, up to and including `last`, in order. */
export interface AppliedBatch {
  readonly after: bigint;
  readonly last: bigint;
  readonly events: readonly AppliedEvent[];
}

/**
 * The runner moved: `position` is the lowest every projection has reached (what the views include). `applied`
 * lists what a live batch brought; without it (a standby following the leader's checkpoints, a rebuild's swap,
 * a change of status) the position moved, or did not, with no listing.
 */
export interface RunnerProgress {
  readonly position: bigint;
  readonly applied?: AppliedBatch;
}

export type ProgressListener = (progress: RunnerProgress) => void;

export function appliedEvent(event: RecordedEvent): AppliedEvent {
  const { developmentId } = event.data;
  const about = typeof developmentId === 'string' ? { developmentId } : {};
  return { position: event.position, type: event.type, recordedAt: event.recordedAt, ...about };
}
