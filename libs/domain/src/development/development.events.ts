import { DEVELOPMENT_KINDS, KINDS, type ContentByKind, type CreationEventTypeOf, type DevelopmentKind, type DevelopmentOf, type Source } from './development.types';

export const DEVELOPMENT_CORRECTED = 'DevelopmentCorrected';
export const DEVELOPMENT_RETRACTED = 'DevelopmentRetracted';
export const ORGANIZATION_REGISTERED = 'OrganizationRegistered';

/** The stored event that records a development of each kind: declared by the kind (part of the log, never renamed). */
export type CreationEventType = CreationEventTypeOf<DevelopmentKind>;

const KIND_BY_TYPE = new Map<string, DevelopmentKind>(DEVELOPMENT_KINDS.map((kind) => [KINDS[kind].eventType, kind]));

export const kindOfCreationEvent = (type: string): DevelopmentKind | undefined => KIND_BY_TYPE.get(type);

/** Events that open a development (or an organization): their ids derive from the development's, once per development. */
export const isCreationType = (type: string): boolean => kindOfCreationEvent(type) !== undefined || type === ORGANIZATION_REGISTERED;

/** The creation event's data: the development's id and its content as recorded. */
export type CreatedData<K extends DevelopmentKind = DevelopmentKind> = { readonly developmentId: string } & ContentByKind[K];

export type CorrectedData = {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  /** Only the fields that change, validated as the original ones. */
  readonly changes: Record<string, unknown>;
  readonly reason: string;
  readonly sources?: readonly Source[];
};

export type RetractedData = {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  readonly reason: string;
};

export type OrganizationRegisteredData = {
  /** Organizations are not developments; the id is derived from the code so every event carries one. */
  readonly developmentId: string;
  readonly code: string;
  readonly name: string;
  readonly wikidataId?: string;
};

/** The event that records a development of kind K: its type names the kind. */
export type CreationEvent<K extends DevelopmentKind = DevelopmentKind> = {
  [P in K]: { readonly type: CreationEventTypeOf<P>; readonly data: CreatedData<P> };
}[K];
export type CorrectedEvent = { readonly type: typeof DEVELOPMENT_CORRECTED; readonly data: CorrectedData };
export type RetractedEvent = { readonly type: typeof DEVELOPMENT_RETRACTED; readonly data: RetractedData };
export type OrganizationRegisteredEvent = { readonly type: typeof ORGANIZATION_REGISTERED; readonly data: OrganizationRegisteredData };

/** What happens to a development. */
export type DevelopmentEvent = CreationEvent | CorrectedEvent | RetractedEvent;
/** Every event the deciders decide: type and data. Ids and metadata are added by the application. */
export type DomainEvent = DevelopmentEvent | OrganizationRegisteredEvent;

/** A stored event, as far as the domain reads it. */
export interface EventLike {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

const DOMAIN_EVENT_TYPES = new Set<string>([DEVELOPMENT_CORRECTED, DEVELOPMENT_RETRACTED, ORGANIZATION_REGISTERED, ...KIND_BY_TYPE.keys()]);

/**
 * A stored event read as the domain event its type names. The log holds only what the deciders decided (and
 * the edges validated), so the type is the whole check; events of other types are not the domain's.
 */
export const isDomainEvent = (event: EventLike): event is DomainEvent => DOMAIN_EVENT_TYPES.has(event.type);
/** The event that records `development` under `developmentId`. */
export function creationEvent<K extends DevelopmentKind>(developmentId: string, development: DevelopmentOf<K>): CreationEvent<K> {
  return { type: KINDS[development.kind].eventType, data: { developmentId, ...development.content } };
}
