import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import {
  GetCountryMembershipsQuery,
  GetMembersQuery,
  GetOrganizationQuery,
  GetPresidenciesQuery,
  GetPresidencyOnQuery,
  ListOrganizationsQuery,
  RegisterOrganizationCommand,
  type CountryMembershipView,
  type MemberView,
  type OrganizationDetails,
  type OrganizationSummary,
  type PresidencyPeriodView,
  type PresidencyView,
  type WriteContext,
  type WriteResult,
} from '@annals/application';
import { normalizeOrganizationCode, partialDate } from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { ReadConsistency } from '../http/read-consistency';
import { IsOrganizationCode, Optional } from '../http/validation.decorators';
import { Writer } from '../http/write-context';
import { AsOfQueryDto } from '../timelines/timeline-query.dto';
import { parseInstant } from '../timelines/timeline-request';
import { countryParam } from '../timelines/timelines.controller';

export class RegisterOrganizationDto {
  @IsOrganizationCode() code!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation' }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ example: 'Q485207' })
  @Optional()
  @Matches(/^Q[1-9]\d{0,11}$/, { message: 'wikidataId must look like Q485207' })
  wikidataId?: string;
}

@ApiTags('organizations')
@Controller('api')
export class OrganizationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Post('organizations')
  @RequireScope('write')
  @ApiOperation({ summary: 'Register an organization' })
  async register(@Body() body: RegisterOrganizationDto, @Writer() writer: WriteContext) {
    const { created: _created, ...result } = await this.commands.execute<RegisterOrganizationCommand, WriteResult>(
      new RegisterOrganizationCommand(body.code, body.name, body.wikidataId, writer),
    );
    return result;
  }

  @Get('organizations')
  @ApiOperation({ summary: 'Every organization with its member count and current presidency' })
  async list(@Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    return this.queries.execute<ListOrganizationsQuery, OrganizationSummary[]>(
      new ListOrganizationsQuery(parseInstant(query.asKnownAt, 'asKnownAt')),
    );
  }

  @Get('organizations/:code')
  @ApiOperation({ summary: 'An organization with its current members and presidency' })
  async get(@Param('code') code: string, @Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    return this.requireOrganization(code, query.asKnownAt);
  }

  @Get('organizations/:code/members')
  @ApiOperation({ summary: 'Members as of a date (default today), sorted by country code' })
  async members(@Param('code') code: string, @Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    const organization = await this.requireOrganization(code, undefined);
    const asOf = query.asOf ?? new Date().toISOString().slice(0, 10);
    const members = await this.queries.execute<GetMembersQuery, MemberView[]>(
      new GetMembersQuery(organization.code, partialDate(asOf).start, parseInstant(query.asKnownAt, 'asKnownAt')),
    );
    return { organization: organization.code, asOf, members };
  }

  @Get('organizations/:code/presidencies')
  @ApiOperation({ summary: 'The presidency chain; with asOf, who held it on that date (404 when nobody is known)' })
  async presidencies(@Param('code') code: string, @Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    const organization = await this.requireOrganization(code, undefined);
    const asKnownAt = parseInstant(query.asKnownAt, 'asKnownAt');
    if (query.asOf === undefined)
      return this.queries.execute<GetPresidenciesQuery, PresidencyPeriodView[]>(new GetPresidenciesQuery(organization.code, asKnownAt));
    const holder = await this.queries.execute<GetPresidencyOnQuery, PresidencyView | null>(
      new GetPresidencyOnQuery(organization.code, partialDate(query.asOf).start, asKnownAt),
    );
    if (!holder) throw new ProblemException('NOT_FOUND', `No known holder of the ${organization.code} presidency on ${query.asOf}`);
    return holder;
  }

  @Get('countries/:code/memberships')
  @ApiOperation({ summary: "A country's memberships as of a date (default today)" })
  async memberships(@Param('code') code: string, @Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    const country = countryParam(code);
    const day = query.asOf ? partialDate(query.asOf).start : undefined;
    return this.queries.execute<GetCountryMembershipsQuery, CountryMembershipView[]>(
      new GetCountryMembershipsQuery(country, day, parseInstant(query.asKnownAt, 'asKnownAt')),
    );
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
