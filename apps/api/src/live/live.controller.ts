import { Controller, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
@Controller('api/live')
export class LiveController {
  constructor(private readonly feed: LiveFeed) {}

  @Sse()
  @ApiOperation({
    summary: 'Server-Sent Events: a `development` event per recorded, corrected or retracted development, once the views include it',
  })
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
