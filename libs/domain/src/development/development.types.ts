/** What users record. Content arrives normalized from the edge: countries alpha-2, organization codes upper case. */
export const DEVELOPMENT_KINDS = [
  'meeting',
  'summit',
  'membership-approval',
  'membership-ending',
  'presidency-handover',
  'peace-summit',
] as const;
export type DevelopmentKind = (typeof DEVELOPMENT_KINDS)[number];

/**
 * Kinds whose events live in their organization's stream, because their invariants span it. Summits belong to
 * an organization but no rule spans its summits: they have a stream of their own (logs written before this
 * hold some in the organization's stream; those keep working, see the locator).
 */
export const ORGANIZATION_KINDS = ['membership-approval', 'membership-ending', 'presidency-handover'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];
export type StandaloneKind = Exclude<DevelopmentKind, OrganizationKind>;

export const isOrganizationKind = (kind: DevelopmentKind): kind is OrganizationKind =>
  (ORGANIZATION_KINDS as readonly string[]).includes(kind);

export interface Source {
  readonly url?: string;
  readonly title?: string;
  readonly publisher?: string;
  readonly publishedOn?: string;
}

export interface Place {
  readonly city?: string;
  readonly country?: string;
}

export interface CommonContent {
  readonly occurredOn: string;
  readonly endsOn?: string;
  readonly title: string;
  readonly summary?: string;
  readonly sources?: readonly Source[];
  readonly tags?: readonly string[];
}

export interface Participant {
  readonly name: string;
  readonly country: string;
  readonly role?: string;
}

export interface MeetingContent extends CommonContent {
  readonly participants: readonly Participant[];
  readonly location?: Place;
  readonly organization?: string;
}

export interface SummitContent extends CommonContent {
  readonly organization: string;
  readonly host: string;
  readonly location?: Place;
}

export const MEMBERSHIP_STATUSES = ['member', 'observer', 'dialogue-partner', 'partner'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

export interface MembershipApprovalContent extends CommonContent {
  readonly organization: string;
  readonly country: string;
  readonly status: MembershipStatus;
  readonly effectiveOn?: string;
}

export const MEMBERSHIP_ENDING_REASONS = ['withdrawal', 'suspension', 'expulsion'] as const;
export type MembershipEndingReason = (typeof MEMBERSHIP_ENDING_REASONS)[number];

export interface MembershipEndingContent extends CommonContent {
  readonly organization: string;
  readonly country: string;
  readonly reason: MembershipEndingReason;
}

export interface PresidencyHandoverContent extends CommonContent {
  readonly organization: string;
  readonly from?: string;
  readonly to: string;
  readonly termEndsOn?: string;
}

export const ABSENCE_REASONS = ['declined', 'not-invited'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

export interface PeaceSummitContent extends CommonContent {
  readonly host: string;
  readonly location?: Place;
  readonly conflict?: string;
  readonly attendees: readonly string[];
  readonly absentees?: readonly { readonly country: string; readonly reason: AbsenceReason }[];
}

export interface ContentByKind {
  meeting: MeetingContent;
  summit: SummitContent;
  'membership-approval': MembershipApprovalContent;
  'membership-ending': MembershipEndingContent;
  'presidency-handover': PresidencyHandoverContent;
  'peace-summit': PeaceSummitContent;
}

/** A development's kind together with its content, discriminated by kind. */
export type Development = { [K in DevelopmentKind]: { readonly kind: K; readonly content: ContentByKind[K] } }[DevelopmentKind];

export type AnyContent = ContentByKind[DevelopmentKind];

/** The organization a development belongs to (its stream), or the occasion of a meeting. */
export function organizationOf(development: Development): string | undefined {
  switch (development.kind) {
    case 'meeting':
      return development.content.organization;
    case 'summit':
    case 'membership-approval':
    case 'membership-ending':
    case 'presidency-handover':
      return development.content.organization;
    case 'peace-summit':
      return undefined;
  }
}

export const ROLES = ['participant', 'host', 'attendee', 'absentee', 'member', 'from', 'to', 'location'] as const;
/** What a country is in a development: `member` is the country a membership development is about. */
export type Role = (typeof ROLES)[number];

export interface CountryRole {
  readonly country: string;
  readonly role: Role;
}

/**
 * Every country the development names, in each role it holds there (a country may hold several: the host of a
 * summit is usually its location too), in the order the content names them, each pair once. The one place roles
 * are read from content: timelines, exports and the page all take them from here, so an absentee is never
 * presented as taking part.
 */
export function rolesOf(development: Development): CountryRole[] {
  const roles: CountryRole[] = [];
  const add = (country: string | undefined, role: Role) => {
    if (country && !roles.some((r) => r.country === country && r.role === role)) roles.push({ country, role });
  };
  switch (development.kind) {
    case 'meeting':
      development.content.participants.forEach((p) => add(p.country, 'participant'));
      add(development.content.location?.country, 'location');
      break;
    case 'summit':
      add(development.content.host, 'host');
      add(development.content.location?.country, 'location');
      break;
    case 'membership-approval':
    case 'membership-ending':
      add(development.content.country, 'member');
      break;
    case 'presidency-handover':
      add(development.content.from, 'from');
      add(development.content.to, 'to');
      break;
    case 'peace-summit':
      add(development.content.host, 'host');
      add(development.content.location?.country, 'location');
      development.content.attendees.forEach((country) => add(country, 'attendee'));
      development.content.absentees?.forEach((a) => add(a.country, 'absentee'));
      break;
  }
  return roles;
}

/** Every country the development names in any role, sorted and unique. */
export function countriesOf(development: Development): string[] {
  return [...new Set(rolesOf(development).map((r) => r.country))].sort();
}
