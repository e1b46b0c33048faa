import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetDevelopmentQuery, type DevelopmentDetails } from '@annals/application';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { ApiReadProblems } from '../http/read.docs';
import { ReadConsistency } from '../http/read-consistency';
import { AsOfQueryDto } from '../timelines/timeline-query.dto';
import { parseInstant } from '../timelines/timeline-request';
import { DevelopmentAnswer } from './development.answers';
import { ApiDevelopmentId } from './development.docs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('developments')
@RequireScope('read')
@Controller('api/developments')
export class DevelopmentReadsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Get(':id')
  @ApiOperation({ operationId: 'getDevelopment', summary: 'A development as it stands (corrections applied), with its full history' })
  @ApiDevelopmentId()
  @ApiOkResponse({ type: DevelopmentAnswer })
  @ApiReadProblems('DEVELOPMENT_NOT_FOUND')
  async get(@Param('id') id: string, @Query() query: AsOfQueryDto) {
    await this.consistency.ensure(query.minPosition);
    const details = UUID.test(id)
      ? await this.queries.execute<GetDevelopmentQuery, DevelopmentDetails | undefined>(
          new GetDevelopmentQuery(id.toLowerCase(), parseInstant(query.asKnownAt, 'asKnownAt')),
        )
      : undefined;
    if (!details) throw new ProblemException('DEVELOPMENT_NOT_FOUND', `No development ${id}`);
    return { ...details.content, ...details.entry, stream: details.stream, history: details.history };
  }
}
