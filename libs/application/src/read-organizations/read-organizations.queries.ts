import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { countryName, heldOn, membershipCoverage, presidencyOn, type MembershipCoverage, type MembershipStatus } from '@annals/domain';
import { CLOCK, type Clock } from '../ports/clock.port';
import { READ_STORE, type OrganizationRecord, type ReadStore } from '../ports/read-store.port';

export interface MemberView {
  readonly country: string;
  readonly name: string;
  readonly status: MembershipStatus;
  readonly since: string;
}

export interface PresidencyView {
  readonly country: string;
  readonly since: string;
}

export interface PresidencyPeriodView {
  readonly country: string;
  readonly from: string;
  readonly to: string | null;
}

export interface CountryMembershipView {
  readonly organization: string;
  readonly status: MembershipStatus;
  readonly since: string;
}

export interface OrganizationSummary extends OrganizationRecord {
  readonly memberCount: number;
  readonly membershipCoverage: MembershipCoverage;
  readonly presidency: PresidencyView | null;
}

export interface OrganizationDetails extends OrganizationSummary {
  readonly members: MemberView[];
}

const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** Members as of a day: periods holding then, sorted by country code. */
async function membersOn(views: ReadStore, organization: string, day: string, asKnownAt?: number): Promise<MemberView[]> {
  const periods = await views.membershipPeriods({ organization }, asKnownAt);
  return heldOn(periods, day)
    .map((p) => ({ country: p.country, name: countryName(p.country), status: p.status, since: p.since }))
    .sort((a, b) => a.country.localeCompare(b.country));
}

async function presidencyAt(views: ReadStore, organization: string, day: string, asKnownAt?: number): Promise<PresidencyView | null> {
  const period = presidencyOn(await views.presidencyPeriods(organization, asKnownAt), day);
  return period ? { country: period.country, since: period.from } : null;
}

export class ListOrganizationsQuery {
  constructor(readonly asKnownAt?: number) {}
}

@QueryHandler(ListOrganizationsQuery)
export class ListOrganizationsHandler implements IQueryHandler<ListOrganizationsQuery, OrganizationSummary[]> {
  constructor(
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ asKnownAt }: ListOrganizationsQuery): Promise<OrganizationSummary[]> {
    const day = today(this.clock);
    const [organizations, memberships, presidencies] = await Promise.all([
      this.views.organizations(asKnownAt),
      this.views.membershipPeriods({}, asKnownAt),
      this.views.presidencyPeriods(undefined, asKnownAt),
    ]);
    return organizations.map((organization) => {
      const members = heldOn(
        memberships.filter((p) => p.organization === organization.code),
        day,
      ).filter((p) => p.status === 'member');
      const presidency = presidencyOn(
        presidencies.filter((p) => p.organization === organization.code),
        day,
      );
      return {
        ...organization,
        memberCount: members.length,
        membershipCoverage: membershipCoverage(
          organization.code,
          members.map((m) => m.country),
        ),
        presidency: presidency ? { country: presidency.country, since: presidency.from } : null,
      };
    });
  }
}

export class GetOrganizationQuery {
  constructor(
    readonly code: string,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetOrganizationQuery)
export class GetOrganizationHandler implements IQueryHandler<GetOrganizationQuery, OrganizationDetails | undefined> {
  constructor(
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ code, asKnownAt }: GetOrganizationQuery): Promise<OrganizationDetails | undefined> {
    const organization = await this.views.organization(code, asKnownAt);
    if (!organization) return undefined;
    const day = today(this.clock);
    const members = await membersOn(this.views, code, day, asKnownAt);
    const full = members.filter((m) => m.status === 'member');
    return {
      ...organization,
      memberCount: full.length,
      membershipCoverage: membershipCoverage(
        code,
        full.map((m) => m.country),
      ),
      presidency: await presidencyAt(this.views, code, day, asKnownAt),
      members,
    };
  }
}

export class GetMembersQuery {
  constructor(
    readonly organization: string,
    /** `YYYY-MM-DD`, the first day of the asked partial date; today when absent. */
    readonly day: string | undefined,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetMembersQuery)
export class GetMembersHandler implements IQueryHandler<GetMembersQuery, MemberView[]> {
  constructor(
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ organization, day, asKnownAt }: GetMembersQuery): Promise<MemberView[]> {
    return membersOn(this.views, organization, day ?? today(this.clock), asKnownAt);
  }
}

export class GetPresidenciesQuery {
  constructor(
    readonly organization: string,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetPresidenciesQuery)
export class GetPresidenciesHandler implements IQueryHandler<GetPresidenciesQuery, PresidencyPeriodView[]> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  async execute({ organization, asKnownAt }: GetPresidenciesQuery) {
    const periods = await this.views.presidencyPeriods(organization, asKnownAt);
    return periods.map((p) => ({ country: p.country, from: p.from, to: p.to }));
  }
}

export class GetPresidencyOnQuery {
  constructor(
    readonly organization: string,
    readonly day: string,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetPresidencyOnQuery)
export class GetPresidencyOnHandler implements IQueryHandler<GetPresidencyOnQuery, PresidencyView | null> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  execute({ organization, day, asKnownAt }: GetPresidencyOnQuery): Promise<PresidencyView | null> {
    return presidencyAt(this.views, organization, day, asKnownAt);
  }
}

export class GetCountryMembershipsQuery {
  constructor(
    readonly country: string,
    readonly day: string | undefined,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetCountryMembershipsQuery)
export class GetCountryMembershipsHandler implements IQueryHandler<GetCountryMembershipsQuery, CountryMembershipView[]> {
  constructor(
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ country, day, asKnownAt }: GetCountryMembershipsQuery) {
    const periods = await this.views.membershipPeriods({ country }, asKnownAt);
    return heldOn(periods, day ?? today(this.clock))
      .map((p) => ({ organization: p.organization, status: p.status, since: p.since }))
      .sort((a, b) => a.organization.localeCompare(b.organization));
  }
}

export * from './read-periods.queries';
