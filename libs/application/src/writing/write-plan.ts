import type { DomainEvent } from '@annals/domain';
import type { WriteContext } from './write-context';

/**
 * One command against one stream, as the write pipeline runs it: load the stream's state, decide, append with
 * the expected revision. `decide` returning no events means the command was already carried out (an idempotent
 * retry of the creation of `developmentId`).
 */
export interface WritePlan<S> {
  readonly stream: string;
  readonly developmentId: string;
  readonly context: WriteContext;
  initial(): S;
  /** Evolves the state in place or returns a new one; the pipeline keeps whatever it returns. */
  evolve(state: S, event: DomainEvent): S;
  decide(state: S): DomainEvent[];
  /** The kind the answer names, read from the state the decision was made on. */
  kindOf(state: S): string;
  /**
   * The id the change's event gets, when the caller derives one (an imported correction): a command whose event
   * is already in the stream was carried out before and is answered as such, appending nothing.
   */
  readonly eventId?: string;
  /**
   * The stream is presumed not to exist yet (a new development's own stream): it is not read before deciding, and
   * the append, expecting no stream, checks the presumption. When it fails, the stream is read and the command
   * decided again.
   */
  readonly presumedNew?: boolean;
}
