/** Who asked, and in answer to what: carried into every event's metadata. */
export interface WriteContext {
  readonly actor: string;
  readonly correlationId: string;
  readonly causationId?: string;
}


export interface WriteResult {
  readonly developmentId: string;
  readonly kind: string;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: string;
  /** When the event was recorded (server clock): the instant to try `asKnownAt` with. */
  readonly recordedAt: string;
  /** False when an idempotent retry found the write already done. */
  readonly created: boolean;
}
