import type { ContentByKind, DevelopmentKind, Source } from './development.types';

/** Stable event type strings: part of the stored log, never derived from class names. */
export const CREATION_EVENT_TYPES = {
  meeting: 'MeetingHeld',
  summit: 'SummitHeld',
  'membership-approval': 'MembershipApproved',
  'membership-ending': 'MembershipEnded',
  'presidency-handover': 'PresidencyHandedOver',
  'peace-summit': 'PeaceSummitHeld',
} as const satisfies Record<DevelopmentKind, string>;

export const DEVELOPMENT_CORRECTED = 'DevelopmentCorrected';
export const DEVELOPMENT_RETRACTED = 'DevelopmentRetracted';
export const ORGANIZATION_REGISTERED = 'OrganizationRegistered';

export type CreationEventType = (typeof CREATION_EVENT_TYPES)[DevelopmentKind];

const KIND_BY_TYPE = Object.fromEntries(Object.entries(CREATION_EVENT_TYPES).map(([kind, type]) => [type, kind])) as Record<
  CreationEventType,
  DevelopmentKind
>;

export const kindOfCreationEvent = (type: string): DevelopmentKind | undefined => KIND_BY_TYPE[type as CreationEventType];

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
