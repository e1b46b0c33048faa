import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { GetDevelopmentQuery, type DevelopmentDetails } from '@annals/application';
import { ProblemException } from '../http/problem';
import { ReadConsistency } from '../http/read-consistency';
import { AsOfQueryDto } from '../timelines/timeline-query.dto';
import { parseInstant } from '../timelines/timeline-request';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@ApiTags('developments')
@Controller('api/developments')
export class DevelopmentReadsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A development as it stands (corrections applied), with its full history' })
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
