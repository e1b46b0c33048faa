import type { AnyContent, CountryRole, DatePrecision, DevelopmentKind, MembershipPeriod, PresidencyPeriod } from '@annals/domain';

/** One development as a timeline shows it. */
export interface TimelineEntry {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  readonly occurredOn: string;
  readonly endsOn?: string;
  readonly precision: DatePrecision;
  readonly title: string;
  readonly summary?: string;
  readonly countries: string[];
  /** Each country in each role it holds (rolesOf in the domain). */
  readonly roles: CountryRole[];
  readonly organizations: string[];
  readonly location?: { city?: string; country?: string };
  readonly corrected: boolean;
  readonly retracted: boolean;
  readonly recordedAt: string;
  readonly position: string;
}

export type TimelineScope =
  | { readonly type: 'organization'; readonly code: string }
  | { readonly type: 'country'; readonly code: string }
  | { readonly type: 'relation'; readonly a: string; readonly b: string }
  | { readonly type: 'search'; readonly organization?: string; readonly country?: string; readonly text?: string };

/** Keyset: the last entry of the previous page. */
export interface TimelineCursor {
  readonly start: string;
  readonly position: number;
}

export interface TimelineQuery {
  readonly scope: TimelineScope;
  /** First day included (`YYYY-MM-DD`). */
  readonly fromDay?: string;
  /** Last day included (`YYYY-MM-DD`). */
  readonly toDay?: string;
  readonly kinds?: readonly DevelopmentKind[];
  readonly limit: number;
  readonly cursor?: TimelineCursor;
  readonly order: 'asc' | 'desc';
  /** Epoch milliseconds: the views as recorded at that instant. */
  readonly asKnownAt?: number;
  readonly includeRetracted: boolean;
  /** Also return each item's full content (exports); JSON pages do without. */
  readonly withContent?: boolean;
}

export interface TimelinePage {
  readonly items: TimelineEntry[];
  /** The same items as the JSON text the views store: a JSON answer passes them through without re-encoding. */
  readonly itemsJson: readonly string[];
  /** With `withContent`: the full content of each item, in the same order (sources, participants…). */
  readonly contents: AnyContent[];
  readonly next: TimelineCursor | null;
}

export interface HistoryEntry {
  readonly eventId: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly position: string;
  readonly data: Record<string, unknown>;
}

export interface DevelopmentDetails {
  readonly entry: TimelineEntry;
  readonly stream: string;
  /** The full current content, corrections applied. */
  readonly content: AnyContent;
  readonly history: HistoryEntry[];
}

export interface OrganizationRecord {
  readonly code: string;
  readonly name: string;
  readonly wikidataId: string | null;
}

export interface ProjectionStatus {
  readonly name: string;
  readonly version: number;
  readonly position: bigint;
  readonly status: 'running' | 'rebuilding' | 'failed';
  readonly digest: string;
}

/** The queries the views answer. Every method takes `asKnownAt` (epoch ms) for time travel. */
export interface ReadStore {
  timeline(query: TimelineQuery): Promise<TimelinePage>;
  development(developmentId: string, asKnownAt?: number): Promise<DevelopmentDetails | undefined>;
  /** Where a development's events live, from the current views. */
  locate(developmentId: string): Promise<{ stream: string; kind: DevelopmentKind } | undefined>;
  organizations(asKnownAt?: number): Promise<OrganizationRecord[]>;
  organization(code: string, asKnownAt?: number): Promise<OrganizationRecord | undefined>;
  /** Membership periods of one organization, or of one country across organizations. */
  membershipPeriods(
    filter: { organization?: string; country?: string },
    asKnownAt?: number,
  ): Promise<Array<MembershipPeriod & { organization: string }>>;
  presidencyPeriods(organization: string | undefined, asKnownAt?: number): Promise<Array<PresidencyPeriod & { organization: string }>>;
}

export const READ_STORE = Symbol('READ_STORE');
