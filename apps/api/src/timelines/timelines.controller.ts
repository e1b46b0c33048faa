import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { READ_STORE, type ReadStore } from '@annals/application';
import { normalizeCountryCode, normalizeOrganizationCode } from '@annals/domain';
import { ProblemException } from '../http/problem';
import { RequireScope } from '../access/require-scope.decorator';
import { ReadConsistency } from '../http/read-consistency';
import { ApiCountryParam, ApiOrganizationParam, ApiTimeline } from './timeline.docs';
import { SearchQueryDto, TimelineQueryDto } from './timeline-query.dto';
import { TimelineResponder } from './timeline-responder';

export function countryParam(value: string, field = 'code'): string {
  const code = normalizeCountryCode(value);
  if (!code)
    throw new ProblemException('VALIDATION_FAILED', `${field} must be an ISO 3166-1 alpha-2 or alpha-3 country code`, [
      { field, message: `${field} must be an ISO 3166-1 alpha-2 or alpha-3 country code` },
    ]);
  return code;
}

@ApiTags('timelines')
@RequireScope('read')
@Controller('api')
export class TimelinesController {
  constructor(
    private readonly responder: TimelineResponder,
    private readonly consistency: ReadConsistency,
    @Inject(READ_STORE) private readonly views: ReadStore,
  ) {}

  @Get('organizations/:code/timeline')
  @ApiTimeline(
    'getOrganizationTimeline',
    "An organization's timeline: its summits, memberships, presidencies and the meetings held on its occasion",
    'ORGANIZATION_NOT_FOUND',
  )
  @ApiOrganizationParam()
  async organization(@Param('code') code: string, @Query() query: TimelineQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    // Read-your-writes covers the organization itself: one registered just before must be found.
    await this.consistency.ensure(query.minPosition);
    const normalized = normalizeOrganizationCode(code);
    const organization = normalized ? await this.views.organization(normalized) : undefined;
    if (!organization) throw new ProblemException('ORGANIZATION_NOT_FOUND', `No organization ${code}`);
    return this.responder.respond({ type: 'organization', code: organization.code }, query, `${organization.code} timeline`, reply);
  }

  @Get('countries/:code/timeline')
  @ApiTimeline('getCountryTimeline', "A country's timeline: every development naming it in any role")
  @ApiCountryParam()
  country(@Param('code') code: string, @Query() query: TimelineQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const country = countryParam(code);
    return this.responder.respond({ type: 'country', code: country }, query, `${country} timeline`, reply);
  }

  @Get('countries/:a/relations/:b/timeline')
  @ApiTimeline('getRelationTimeline', 'Developments involving both countries (on both their timelines); a country with itself is 400')
  @ApiCountryParam('a', 'CN')
  @ApiCountryParam('b', 'RU')
  relation(
    @Param('a') a: string,
    @Param('b') b: string,
    @Query() query: TimelineQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const first = countryParam(a, 'a');
    const second = countryParam(b, 'b');
    if (first === second)
      throw new ProblemException('VALIDATION_FAILED', 'A relation needs two different countries', [
        { field: 'b', message: `b must differ from a (both are ${first})` },
      ]);
    return this.responder.respond({ type: 'relation', a: first, b: second }, query, `${first}-${second} relations`, reply);
  }

  @Get('developments')
  @ApiTimeline('searchDevelopments', 'Search developments by kind, organization, country, dates and words')
  search(@Query() query: SearchQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const scope = {
      type: 'search' as const,
      ...(query.organization ? { organization: query.organization } : {}),
      ...(query.country ? { country: query.country } : {}),
      ...(query.q ? { text: query.q } : {}),
    };
    return this.responder.respond(scope, query, 'Annals search', reply);
  }
}
