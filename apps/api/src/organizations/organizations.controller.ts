import { Body, Controller, Get, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  GetCountryMembershipsQuery,
  GetMembersQuery,
  GetOrganizationQuery,
  GetPresidenciesQuery,
  GetPresidencyOnQuery,
  ListOrganizationsQuery,
  READ_STORE,
  RegisterOrganizationCommand,
  type CountryMembershipView,
  type MemberView,
  type OrganizationDetails,
  type OrganizationSummary,
  type PresidencyPeriodView,
  type PresidencyView,
  type ReadStore,
  type WriteContext,
  type WriteResult,
} from '@annals/application';
import { countryName, normalizeOrganizationCode, partialDate } from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { writeAnswer } from '../developments/write-answer';
import { WriteAnswer } from '../developments/development.answers';
import { ApiJsonWriteProblems } from '../developments/development.docs';
import { ProblemException } from '../http/problem';
import { ApiReadProblems } from '../http/read.docs';
import { ReadConsistency } from '../http/read-consistency';
import { Writer } from '../http/write-context';
import { AsOfQueryDto } from '../timelines/timeline-query.dto';
import { parseInstant } from '../timelines/timeline-request';
import { ApiCountryParam, ApiOrganizationParam } from '../timelines/timeline.docs';
import { countryParam } from '../timelines/timelines.controller';
import {
  MembersAnswer,
  MembershipAnswer,
  OrganizationAnswer,
  OrganizationSummaryAnswer,
  PresidencyAnswer,
  PresidencyPeriodAnswer,
} from './organization.answers';
import { RegisterOrganizationDto } from './organization.dtos';

const withName = <T extends { country: string }>({ country, ...rest }: T) => ({ country, name: countryName(country), ...rest });
const presidencyAnswer = (presidency: PresidencyView | null): PresidencyAnswer | null => (presidency ? withName(presidency) : null);

@ApiTags('organizations')
@RequireScope('read')
@Controller('api')
export class OrganizationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
    @Inject(READ_STORE) private readonly views: ReadStore,
  ) {}

  @Post('organizations')
  @RequireScope('write')
  @ApiOperation({ operationId: 'registerOrganization', summary: 'Register an organization' })
  @ApiBody({
    type: RegisterOrganizationDto,
    examples: {
      cica: {
        summary: 'The Conference on Interaction and Confidence-Building Measures in Asia (not built in)',
        value: { code: 'CICA', name: 'Conference on Interaction and Confidence-Building Measures in Asia' },
      },
    },
  })
  @ApiCreatedResponse({
    type: WriteAnswer,
    description: 'Registered',
    headers: {
      Location: {
        description: 'The organization: `/api/organizations/{code}`',
        schema: { type: 'string', example: '/api/organizations/CICA' },
      },
    },
  })
  @ApiJsonWriteProblems('ORGANIZATION_EXISTS')
  async register(@Body() body: RegisterOrganizationDto, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.commands.execute<RegisterOrganizationCommand, WriteResult>(
      new RegisterOrganizationCommand(body.code, body.name, body.wikidataId, writer),
    );
    return writeAnswer(reply, { ...result, created: true }, `/api/organizations/${body.code}`);
  }

  @Get('organizations')
  @ApiOperation({ operationId: 'listOrganizations', summary: 'Every organization with its member count and current presidency' })
  @ApiOkResponse({ type: [OrganizationSummaryAnswer] })
  @ApiReadProblems()
  async list(@Query() query: AsOfQueryDto): Promise<OrganizationSummaryAnswer[]> {
    await this.consistency.ensure(query.minPosition);
    const organizations = await this.queries.execute<ListOrganizationsQuery, OrganizationSummary[]>(
      new ListOrganizationsQuery(parseInstant(query.asKnownAt, 'asKnownAt')),
    );
    return organizations.map((organization) => ({ ...organization, presidency: presidencyAnswer(organization.presidency) }));
  }

  @Get('organizations/:code')
  @ApiOperation({ operationId: 'getOrganization', summary: 'An organization with its current members and presidency' })
  @ApiOrganizationParam()
  @ApiOkResponse({ type: OrganizationAnswer })
  @ApiReadProblems('ORGANIZATION_NOT_FOUND')
  async get(@Param('code') code: string, @Query() query: AsOfQueryDto): Promise<OrganizationAnswer> {
    await this.consistency.ensure(query.minPosition);
    const organization = await this.requireOrganization(code, query.asKnownAt);
    return { ...organization, presidency: presidencyAnswer(organization.presidency) };
  }

  @Get('organizations/:code/members')
  @ApiOperation({ operationId: 'getMembers', summary: 'Members as of a date (default today), sorted by country code' })
  @ApiOrganizationParam()
  @ApiOkResponse({ type: MembersAnswer })
  @ApiReadProblems('ORGANIZATION_NOT_FOUND')
  async members(@Param('code') code: string, @Query() query: AsOfQueryDto): Promise<MembersAnswer> {
    await this.consistency.ensure(query.minPosition);
    const organization = await this.requireOrganization(code, undefined);
    const asOf = query.asOf ?? new Date().toISOString().slice(0, 10);
    const members = await this.queries.execute<GetMembersQuery, MemberView[]>(
      new GetMembersQuery(organization.code, partialDate(asOf).start, parseInstant(query.asKnownAt, 'asKnownAt')),
    );
    return { organization: organization.code, name: organization.name, asOf, members };
  }

  @Get('organizations/:code/presidencies')
  @ApiOperation({
    operationId: 'getPresidencies',
    summary: 'The presidency chain; with asOf, who held it on that date (404 when nobody is known)',
    description:
      'Without `asOf`: every known term, chronological, `to` being the next handover or the end of the term (null while it lasts). With `asOf`: the holder then, `{ country, name, since }`.',
  })
  @ApiOrganizationParam()
  @ApiExtraModels(PresidencyPeriodAnswer, PresidencyAnswer)
  @ApiOkResponse({
    description: 'Without `asOf`: an array of `PresidencyPeriodAnswer`; with `asOf`: one `PresidencyAnswer`',
    schema: {
      oneOf: [{ type: 'array', items: { $ref: getSchemaPath(PresidencyPeriodAnswer) } }, { $ref: getSchemaPath(PresidencyAnswer) }],
    },
  })
  @ApiReadProblems('ORGANIZATION_NOT_FOUND', 'NOT_FOUND')
  async presidencies(@Param('code') code: string, @Query() query: AsOfQueryDto): Promise<PresidencyPeriodAnswer[] | PresidencyAnswer> {
    await this.consistency.ensure(query.minPosition);
    const organization = await this.requireOrganization(code, undefined);
    const asKnownAt = parseInstant(query.asKnownAt, 'asKnownAt');
    if (query.asOf === undefined) {
      const periods = await this.queries.execute<GetPresidenciesQuery, PresidencyPeriodView[]>(
        new GetPresidenciesQuery(organization.code, asKnownAt),
      );
      return periods.map(withName);
    }
    const holder = await this.queries.execute<GetPresidencyOnQuery, PresidencyView | null>(
      new GetPresidencyOnQuery(organization.code, partialDate(query.asOf).start, asKnownAt),
    );
    if (!holder) throw new ProblemException('NOT_FOUND', `No known holder of the ${organization.code} presidency on ${query.asOf}`);
    return withName(holder);
  }

  @Get('countries/:code/memberships')
  @ApiOperation({ operationId: 'getCountryMemberships', summary: "A country's memberships as of a date (default today)" })
  @ApiCountryParam('code', 'BY')
  @ApiOkResponse({ type: [MembershipAnswer] })
  @ApiReadProblems()
  async memberships(@Param('code') code: string, @Query() query: AsOfQueryDto): Promise<MembershipAnswer[]> {
    await this.consistency.ensure(query.minPosition);
    const country = countryParam(code);
    const day = query.asOf ? partialDate(query.asOf).start : undefined;
    const asKnownAt = parseInstant(query.asKnownAt, 'asKnownAt');
    const [memberships, organizations] = await Promise.all([
      this.queries.execute<GetCountryMembershipsQuery, CountryMembershipView[]>(new GetCountryMembershipsQuery(country, day, asKnownAt)),
      this.views.organizations(asKnownAt),
    ]);
    const names = new Map(organizations.map((organization) => [organization.code, organization.name]));
    return memberships.map((membership) => ({
      organization: membership.organization,
      name: names.get(membership.organization) ?? membership.organization,
      status: membership.status,
      since: membership.since,
    }));
  }

  private async requireOrganization(code: string, asKnownAt: string | undefined): Promise<OrganizationDetails> {
    const normalized = normalizeOrganizationCode(code);
    const organization = normalized
      ? await this.queries.execute<GetOrganizationQuery, OrganizationDetails | undefined>(
          new GetOrganizationQuery(normalized, parseInstant(asKnownAt, 'asKnownAt')),
        )
      : undefined;
    if (!organization) throw new ProblemException('ORGANIZATION_NOT_FOUND', `No organization ${code}`);
    return organization;
  }
}
