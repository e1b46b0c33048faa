import { DEVELOPMENT_KINDS, KINDS, type ContentByKind, type CreationEventTypeOf, type Development, type DevelopmentKind, type Source } from './development.types';

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

export interface CorrectedData {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  /** Only the fields that change, validated as the original ones. */
  readonly changes: Record<string, unknown>;
  readonly reason: string;
  readonly sources?: readonly Source[];
}

export interface RetractedData {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  readonly reason: string;
}

export interface OrganizationRegisteredData {
  /** Organizations are not developments; the id is derived from the code so every event carries one. */
  readonly developmentId: string;
  readonly code: string;
  readonly name: string;
  readonly wikidataId?: string;
}

/** A domain event before it is stored: type and data. Ids and metadata are added by the application. */
export type DomainEvent =
  | { readonly type: CreationEventType; readonly data: CreatedData }
  | { readonly type: typeof DEVELOPMENT_CORRECTED; readonly data: CorrectedData }
  | { readonly type: typeof DEVELOPMENT_RETRACTED; readonly data: RetractedData }
  | { readonly type: typeof ORGANIZATION_REGISTERED; readonly data: OrganizationRegisteredData };

/** The event that records `development` under `developmentId`. */
export const creationEvent = (developmentId: string, development: Development): DomainEvent => ({
  type: KINDS[development.kind].eventType,
  data: { developmentId, ...development.content },
});
