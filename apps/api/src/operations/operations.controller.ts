import { Optional } from '../http/validation.decorators';
import { Controller, Get, HttpCode, Inject, Logger, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min } from 'class-validator';
import { decodePosition, EVENT_STORE, type EventStore, type RecordedEvent } from '@annals/application';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { ApiProblems } from '../http/problem.docs';
import { Projections } from '../persistence/projections';
import { ProjectionAnswer, RawEventAnswer, RebuildAnswer } from './operations.answers';

export class EventsQueryDto {
  @ApiPropertyOptional({ description: 'Position token: events after it', example: '80' })
  @Optional()
  @IsString()
  @MaxLength(40)
  after?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class RebuildQueryDto {
  @ApiPropertyOptional({ description: 'One projection by name; all when absent', example: 'developments' })
  @Optional()
  @IsString()
  @MaxLength(50)
  projection?: string;
}

export const toRawEvent = (event: RecordedEvent) => ({
  position: event.position.toString(),
  stream: event.stream,
  revision: Number(event.revision),
  eventId: event.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
  recordedAt: event.recordedAt,
});

@ApiTags('operations')
@RequireScope('admin')
@Controller('api')
export class OperationsController {
  private readonly logger = new Logger('Rebuild');
  private rebuilding: Promise<void> | undefined;

  constructor(
    private readonly runner: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('projections')
  @ApiOperation({ operationId: 'listProjections', summary: 'Each projection with its position, lag, status and content digest' })
  @ApiOkResponse({ type: [ProjectionAnswer] })
  @ApiProblems('VALIDATION_FAILED', 'RATE_LIMITED', 'STORE_UNAVAILABLE')
  async projections(): Promise<ProjectionAnswer[]> {
    const head = await this.store.headPosition();
    const statuses = await this.runner.statuses();
    return statuses.map((s) => ({
      name: s.name,
      version: s.version,
      position: s.position.toString(),
      lag: Number(head > s.position ? head - s.position : 0n),
      status: s.status,
      digest: s.digest,
    }));
  }

  @Post('projections/rebuild')
  @HttpCode(202)
  @ApiOperation({
    operationId: 'rebuildProjections',
    summary: 'Rebuild views from the log into new tables, then swap them in (blue/green)',
    description: 'Answers 202 at once; the old views keep serving until the new ones have caught up. 503 `NOT_READY` on a standby replica.',
  })
  @ApiAcceptedResponse({ type: RebuildAnswer })
  @ApiProblems('VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED', 'STORE_UNAVAILABLE', 'NOT_READY')
  rebuild(@Query() query: RebuildQueryDto): RebuildAnswer {
    if (!this.runner.isActive)
      throw new ProblemException('NOT_READY', 'This replica is a standby; send the rebuild to the replica running the projections');
    const names = query.projection ? [query.projection] : this.runner.names();
    const unknown = names.filter((name) => !this.runner.names().includes(name));
    if (unknown.length > 0)
      throw new ProblemException('NOT_FOUND', `No projection ${unknown.join(', ')}; known: ${this.runner.names().join(', ')}`);
    const previous = this.rebuilding ?? Promise.resolve();
    // Answer 202 first; the rebuild starts on a later turn of the event loop.
    const run = previous.then(() => new Promise((resolve) => setImmediate(resolve))).then(() => this.runner.rebuild(names));
    this.rebuilding = run.catch((error: unknown) => this.logger.error(`rebuild failed: ${String(error)}`));
    return { accepted: true, projections: names };
  }

  @Get('events')
  @ApiOperation({ operationId: 'listEvents', summary: 'The raw event log after a position' })
  @ApiOkResponse({ type: [RawEventAnswer] })
  @ApiProblems('VALIDATION_FAILED', 'RATE_LIMITED', 'STORE_UNAVAILABLE')
  async events(@Query() query: EventsQueryDto): Promise<RawEventAnswer[]> {
    const after = query.after === undefined ? 0n : decodePosition(query.after);
    if (after === undefined)
      throw new ProblemException('VALIDATION_FAILED', 'after must be a position token', [
        { field: 'after', message: 'after must be a position token' },
      ]);
    const events = [];
    for await (const event of this.store.readAll({ after, limit: query.limit ?? 100, batchSize: query.limit ?? 100 }))
      events.push(toRawEvent(event));
    return events;
  }
}
