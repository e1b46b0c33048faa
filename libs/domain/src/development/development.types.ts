import type { z } from 'zod';
import type { place, source } from '../kinds/fields';
import { KINDS, type ContentByKind, type DevelopmentKind } from '../kinds/kinds';
import type { Frozen } from '../kinds/kind';

/**
 * What users record, as the kinds (`../kinds/<kind>.kind.ts`) declare it. Content arrives normalized from the
 * edge: countries alpha-2, organization codes upper case.
 */
export {
  KINDS,
  SCHEMA_PARTS,
  clientId,
  DEVELOPMENT_KINDS,
  isDevelopmentKind,
  organizationOf,
  rolesOf,
  countriesOf,
  type ContentByKind,
  type DevelopmentKind,
  type Development,
  type DevelopmentOf,
  type KindAndContent,
  type AnyContent,
  type CreationEventTypeOf,
} from '../kinds/kinds';
export { ROLES, type Role, type CountryRole } from '../kinds/kind';
export { MEMBERSHIP_STATUSES, type MembershipStatus } from '../kinds/membership-approval.kind';
export { MEMBERSHIP_ENDING_REASONS, type MembershipEndingReason } from '../kinds/membership-ending.kind';
export { ABSENCE_REASONS, type AbsenceReason } from '../kinds/peace-summit.kind';

export type Source = Frozen<z.output<typeof source>>;
export type Place = Frozen<z.output<typeof place>>;
export type MeetingContent = ContentByKind['meeting'];
export type Participant = MeetingContent['participants'][number];
export type SummitContent = ContentByKind['summit'];
export type MembershipApprovalContent = ContentByKind['membership-approval'];
export type MembershipEndingContent = ContentByKind['membership-ending'];
export type PresidencyHandoverContent = ContentByKind['presidency-handover'];
export type PeaceSummitContent = ContentByKind['peace-summit'];
/** The fields every kind has. */
export type CommonContent = Pick<MeetingContent, 'occurredOn' | 'endsOn' | 'title' | 'summary' | 'sources' | 'tags'>;

/** Kinds whose events live in their organization's stream, because their invariants span it. */
export type OrganizationKind = { [K in DevelopmentKind]: (typeof KINDS)[K]['stream'] extends 'organization' ? K : never }[DevelopmentKind];
export type StandaloneKind = Exclude<DevelopmentKind, OrganizationKind>;

export const isOrganizationKind = (kind: DevelopmentKind): kind is OrganizationKind => KINDS[kind].stream === 'organization';
export const ORGANIZATION_KINDS = Object.values(KINDS)
  .filter((definition) => definition.stream === 'organization')
  .map((definition) => definition.kind);
