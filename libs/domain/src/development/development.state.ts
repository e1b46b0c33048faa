import { DEVELOPMENT_CORRECTED, DEVELOPMENT_RETRACTED, kindOfCreationEvent, type DevelopmentEvent } from './development.events';
import type { AnyContent, DevelopmentKind } from './development.types';

/** A development as the events so far make it: the content with corrections applied. */
export interface DevelopmentState {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  readonly content: AnyContent;
  /** The content as first recorded: what an idempotent retry is compared with. */
  readonly original: AnyContent;
  readonly corrected: boolean;
  readonly retracted: boolean;
}

/** Applies changes field by field; `null` clears an optional field. */
export function applyChanges<C extends object>(content: C, changes: Record<string, unknown>): C {
  const next = { ...content, ...changes };
  for (const [field, value] of Object.entries(changes)) if (value === null) delete next[field];
  return next;
}

/** evolve for one development: pure, and shared by the deciders and the projections. */
export function evolveDevelopment(state: DevelopmentState | undefined, event: DevelopmentEvent): DevelopmentState | undefined {
  if (event.type === DEVELOPMENT_CORRECTED)
    return state && { ...state, content: applyChanges(state.content, event.data.changes), corrected: true };
  if (event.type === DEVELOPMENT_RETRACTED) return state && { ...state, retracted: true };
  // A creation: its type names the kind.
  const kind = kindOfCreationEvent(event.type);
  if (!kind) return state;
  const { developmentId, ...content } = event.data;
  return { developmentId, kind, content, original: content, corrected: false, retracted: false };
}

export const isDevelopmentEvent = (type: string): boolean =>
  type === DEVELOPMENT_CORRECTED || type === DEVELOPMENT_RETRACTED || kindOfCreationEvent(type) !== undefined;
