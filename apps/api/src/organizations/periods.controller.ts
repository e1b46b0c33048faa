import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags, OmitType } from '@nestjs/swagger';
import { GetCountryPeriodsQuery, GetOrganizationPeriodsQuery, READ_STORE, type PeriodsView, type ReadStore } from '@annals/application';
import { countryName, normalizeOrganizationCode } from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { ApiReadProblems } from '../http/read.docs';
import { ReadConsistency } from '../http/read-consistency';
import { AsOfQueryDto } from '../timelines/timeline-query.dto';
import { parseInstant } from '../timelines/timeline-request';
import { ApiCountryParam, ApiOrganizationParam } from '../timelines/timeline.docs';
import { countryParam } from '../timelines/timelines.controller';
import { CountryPeriodsAnswer, OrganizationPeriodsAnswer } from './period.answers';

/** Periods span dates: `asOf` has no meaning here, `asKnownAt` does. */
export class PeriodsQueryDto extends OmitType(AsOfQueryDto, ['asOf'] as const) {}

const PERIODS_DESCRIPTION =
  'Membership periods run from the approval’s effective date (`effectiveOn`, else `occurredOn`) to the ending’s date; presidency terms from a handover to the next one or to the term’s end. Each names the developments that opened and closed it (`openedBy`, `closedBy`), so a client never re-derives periods from timeline entries.';

/** Membership periods and presidency terms as the views hold them, with the ids of the developments behind them. */
@ApiTags('organizations')
@RequireScope('read')
@Controller('api')
export class PeriodsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
    @Inject(READ_STORE) private readonly views: ReadStore,
  ) {}

  @Get('organizations/:code/periods')
  @ApiOperation({
    operationId: 'getOrganizationPeriods',
    summary: "An organization's membership periods and presidency terms, with the developments that opened and closed them",
    description: PERIODS_DESCRIPTION,
  })
  @ApiOrganizationParam()
  @ApiOkResponse({ type: OrganizationPeriodsAnswer })
  @ApiReadProblems('ORGANIZATION_NOT_FOUND')
  async organization(@Param('code') code: string, @Query() query: PeriodsQueryDto): Promise<OrganizationPeriodsAnswer> {
    await this.consistency.ensure(query.minPosition);
    const asKnownAt = parseInstant(query.asKnownAt, 'asKnownAt');
    const normalized = normalizeOrganizationCode(code);
    const organization = normalized ? await this.views.organization(normalized) : undefined;
    if (!organization) throw new ProblemException('ORGANIZATION_NOT_FOUND', `No organization ${code}`);
    const periods = await this.queries.execute<GetOrganizationPeriodsQuery, PeriodsView>(
      new GetOrganizationPeriodsQuery(organization.code, asKnownAt),
    );
    return {
      organization: organization.code,
      name: organization.name,
      memberships: periods.memberships.map(({ organization: _, country, ...period }) => ({
        country,
        name: countryName(country),
        ...period,
      })),
      presidencies: periods.presidencies.map(({ organization: _, country, ...term }) => ({ country, name: countryName(country), ...term })),
    };
  }

  @Get('countries/:code/periods')
  @ApiOperation({
    operationId: 'getCountryPeriods',
    summary: "A country's membership periods and the presidencies it held, with the developments that opened and closed them",
    description: PERIODS_DESCRIPTION,
  })
  @ApiCountryParam('code', 'BY')
  @ApiOkResponse({ type: CountryPeriodsAnswer })
  @ApiReadProblems()
  async country(@Param('code') code: string, @Query() query: PeriodsQueryDto): Promise<CountryPeriodsAnswer> {
    await this.consistency.ensure(query.minPosition);
    const country = countryParam(code);
    const asKnownAt = parseInstant(query.asKnownAt, 'asKnownAt');
    const [periods, organizations] = await Promise.all([
      this.queries.execute<GetCountryPeriodsQuery, PeriodsView>(new GetCountryPeriodsQuery(country, asKnownAt)),
      this.views.organizations(asKnownAt),
    ]);
    const names = new Map(organizations.map((organization) => [organization.code, organization.name]));
    const named = <T extends { organization: string; country: string }>({ organization, country: _, ...rest }: T) => ({
      organization,
      name: names.get(organization) ?? organization,
      ...rest,
    });
    return {
      country,
      name: countryName(country),
      memberships: periods.memberships.map(named),
      presidencies: periods.presidencies.map(named),
    };
  }
}
