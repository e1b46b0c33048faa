import { Controller, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../access/require-scope.decorator';
import { ApiProblems } from '../http/problem.docs';
import { filter, interval, map, merge, type Observable } from 'rxjs';
import { IsCountryCode, IsOrganizationCode } from '../http/validation.decorators';
import { LiveFeed } from './live-feed';

export class LiveQueryDto {
  @IsOrganizationCode({ optional: true }) organization?: string;
  @IsCountryCode({ optional: true }) country?: string;
}

/** Keeps idle connections open through proxies; EventSource clients ignore events they do not listen to. */
const HEARTBEAT_MS = 20_000;

@ApiTags('live')
@RequireScope('read')
@Controller('api/live')
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  @Sse()
  @ApiOperation({
    operationId: 'followLive',
    summary: 'Server-Sent Events: one event per recorded, corrected or retracted development, once the views include it',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'A stream of Server-Sent Events; `data:` is the development’s TimelineEntryAnswer as JSON',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems('VALIDATION_FAILED', 'RATE_LIMITED')
  live(@Query() query: LiveQueryDto): Observable<MessageEvent> {
    const developments = this.feed.developments.pipe(
      filter((entry) => !query.organization || entry.organizations.includes(query.organization)),
      filter((entry) => !query.country || entry.countries.includes(query.country)),
      map((entry): MessageEvent => ({ type: 'development', id: entry.position, data: entry })),
    );
    const heartbeat = interval(HEARTBEAT_MS).pipe(map((): MessageEvent => ({ type: 'heartbeat', data: {} })));
    return merge(developments, heartbeat);
  }
}
