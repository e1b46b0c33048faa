import {
  DEVELOPMENT_CORRECTED,
  DEVELOPMENT_RETRACTED,
  kindOfCreationEvent,
  type CorrectedData,
  type CreatedData,
  type RetractedData,
} from './development.events';
import type { AnyContent, Development, DevelopmentKind } from './development.types';

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

/** The minimum of a stored event that evolving a development needs. */
export interface EventLike {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export const asDevelopment = (state: Pick<DevelopmentState, 'kind' | 'content'>): Development =>
  ({ kind: state.kind, content: state.content }) as Development;

const contentOf = (data: CreatedData): AnyContent => {
  const { developmentId: _id, ...content } = data;
  return content;
};

/** Applies changes field by field; `null` clears an optional field. */
export function applyChanges(content: AnyContent, changes: Record<string, unknown>): AnyContent {
  const next: Record<string, unknown> = { ...content };
  for (const [field, value] of Object.entries(changes)) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as unknown as AnyContent;
}

/** evolve for one development: pure, and shared by the deciders and the projections. */
export function evolveDevelopment(state: DevelopmentState | undefined, event: EventLike): DevelopmentState | undefined {
  const kind = kindOfCreationEvent(event.type);
  if (kind) {
    const data = event.data as unknown as CreatedData;
    const content = contentOf(data);
    return { developmentId: data.developmentId, kind, content, original: content, corrected: false, retracted: false };
  }
  if (!state) return state;
  switch (event.type) {
    case DEVELOPMENT_CORRECTED: {
      const data = event.data as unknown as CorrectedData;
      return { ...state, content: applyChanges(state.content, data.changes), corrected: true };
    }
    case DEVELOPMENT_RETRACTED: {
      const _data = event.data as unknown as RetractedData;
      return { ...state, retracted: true };
    }
    default:
      return state;
  }
}

export const isDevelopmentEvent = (type: string): boolean =>
  type === DEVELOPMENT_CORRECTED || type === DEVELOPMENT_RETRACTED || kindOfCreationEvent(type) !== undefined;
