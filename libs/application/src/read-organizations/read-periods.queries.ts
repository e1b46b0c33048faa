import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import type { MembershipEndingReason, MembershipPeriod, MembershipStatus, PresidencyPeriod } from '@annals/domain';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';

/** A membership as a period of valid time, with the developments that opened and closed it. */
export interface MembershipPeriodView {
  readonly organization: string;
  readonly country: string;
  readonly status: MembershipStatus;
  /** The effective date as recorded (`effectiveOn`, else `occurredOn` of the approval). */
  readonly since: string;
  /** When it stopped holding; null while it holds. */
  readonly until: string | null;
  /** The membership approval that opened it. */
  readonly openedBy: string;
  /** The membership ending, or the approval that changed the status; null while it holds. */
  readonly closedBy: string | null;
  readonly endReason: MembershipEndingReason | 'status-change' | null;
}

/** A presidency term, with the handover that opened it and the one that passed it on. */
export interface PresidencyTermView {
  readonly organization: string;
  readonly country: string;
  readonly from: string;
  /** The next handover or the term's end; null while it lasts. */
  readonly to: string | null;
  readonly openedBy: string;
  /** The next handover when it passed the presidency on; null when the term ended by itself or lasts. */
  readonly closedBy: string | null;
  readonly endReason: 'handover' | 'term-end' | null;
}

export interface PeriodsView {
  readonly memberships: MembershipPeriodView[];
  readonly presidencies: PresidencyTermView[];
}

type StoredMembership = MembershipPeriod & { organization: string };
type StoredPresidency = PresidencyPeriod & { organization: string };

/**
 * The views keep the ending's id on a period; a status change is closed by the approval that opened the next
 * period of the same country, which starts the day this one ends.
 */
export function membershipPeriodViews(periods: readonly StoredMembership[]): MembershipPeriodView[] {
  const opened = new Map(periods.map((p) => [`${p.organization}|${p.country}|${p.start}`, p.approvalId]));
  return [...periods]
    .sort((a, b) => a.organization.localeCompare(b.organization) || a.country.localeCompare(b.country) || a.start.localeCompare(b.start))
    .map((p) => ({
      organization: p.organization,
      country: p.country,
      status: p.status,
      since: p.since,
      until: p.until ?? null,
      openedBy: p.approvalId,
      closedBy: p.endingId ?? (p.end !== undefined ? (opened.get(`${p.organization}|${p.country}|${p.end}`) ?? null) : null),
      endReason: p.endReason ?? null,
    }));
}

/** A term ends by handover when the next handover of its organization starts the day it ends; else by its own term. */
export function presidencyTermViews(periods: readonly StoredPresidency[]): PresidencyTermView[] {
  const sorted = [...periods].sort((a, b) => a.organization.localeCompare(b.organization) || a.start.localeCompare(b.start));
  return sorted.map((p, index) => {
    const next = sorted[index + 1];
    const handedOver = p.end !== null && next !== undefined && next.organization === p.organization && next.start === p.end;
    return {
      organization: p.organization,
      country: p.country,
      from: p.from,
      to: p.to,
      openedBy: p.handoverId,
      closedBy: handedOver ? next.handoverId : null,
      endReason: p.end === null ? null : handedOver ? 'handover' : 'term-end',
    };
  });
}

export class GetOrganizationPeriodsQuery {
  constructor(
    readonly organization: string,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetOrganizationPeriodsQuery)
export class GetOrganizationPeriodsHandler implements IQueryHandler<GetOrganizationPeriodsQuery, PeriodsView> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  async execute({ organization, asKnownAt }: GetOrganizationPeriodsQuery): Promise<PeriodsView> {
    const [memberships, presidencies] = await Promise.all([
      this.views.membershipPeriods({ organization }, asKnownAt),
      this.views.presidencyPeriods(organization, asKnownAt),
    ]);
    return { memberships: membershipPeriodViews(memberships), presidencies: presidencyTermViews(presidencies) };
  }
}

export class GetCountryPeriodsQuery {
  constructor(
    readonly country: string,
    readonly asKnownAt?: number,
  ) {}
}

/** A country's memberships across organizations, and the presidencies it held (judged within each organization's chain). */
@QueryHandler(GetCountryPeriodsQuery)
export class GetCountryPeriodsHandler implements IQueryHandler<GetCountryPeriodsQuery, PeriodsView> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  async execute({ country, asKnownAt }: GetCountryPeriodsQuery): Promise<PeriodsView> {
    const [memberships, presidencies] = await Promise.all([
      this.views.membershipPeriods({ country }, asKnownAt),
      this.views.presidencyPeriods(undefined, asKnownAt),
    ]);
    return {
      memberships: membershipPeriodViews(memberships),
      presidencies: presidencyTermViews(presidencies).filter((term) => term.country === country),
    };
  }
}
