import { PassThrough } from 'node:stream';
import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { decodePosition, READ_STORE, type ReadStore } from '@annals/application';
import { RequireScope } from '../access/require-scope.decorator';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProblemException } from '../http/problem';
import { ApiProblems } from '../http/problem.docs';
import { IsCountryCode, IsOrganizationCode } from '../http/validation.decorators';
import { LIVE_EVENT_NAMES, LiveFeed, type LiveEvent } from './live-feed';

export class LiveQueryDto {
  @IsOrganizationCode({ optional: true }) organization?: string;
  @IsCountryCode({ optional: true }) country?: string;
}

const DESCRIPTION = `Server-Sent Events, one per recorded, corrected or retracted development once the views include it:

- \`event:\` ${LIVE_EVENT_NAMES.map((name) => `\`${name}\``).join(' | ')}
- \`id:\` the log position of the event it reports (unique, increasing)
- \`data:\` the development's \`TimelineEntryAnswer\` as JSON, as that event left it

Heartbeats are SSE comments (\`: heartbeat\`), with no id. A client reconnecting with \`Last-Event-ID\` (as every EventSource does) first receives every matching event after that position, in order — also those recorded while it was away or before a restart — then the live ones: no gap, no duplicate.

\`organization\` and \`country\` keep the events of that organization's or country's timeline; an unknown organization is 404, like its timeline.`;

const sse = (event: LiveEvent) => `event: ${event.name}\nid: ${event.position}\ndata: ${JSON.stringify(event.entry)}\n\n`;

@ApiTags('live')
@RequireScope('read')
@Controller('api/live')
export class LiveController {
  constructor(
    private readonly feed: LiveFeed,
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'followLive',
    summary: 'Live developments as Server-Sent Events, resumable with Last-Event-ID',
    description: DESCRIPTION,
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Resume after this log position (the last `id:` received)',
    example: '81',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'A stream of Server-Sent Events',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example: `event: recorded\nid: 82\ndata: {"developmentId":"d8bc22be-5287-4107-a939-0c3dc8188dc4","kind":"meeting","occurredOn":"2024-07-03",…}\n\n: heartbeat\n\n`,
      },
    },
  })
  @ApiProblems('VALIDATION_FAILED', 'ORGANIZATION_NOT_FOUND', 'RATE_LIMITED', 'STORE_UNAVAILABLE')
  async live(
    @Query() query: LiveQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const after = lastEventId === undefined || lastEventId.trim() === '' ? undefined : decodePosition(lastEventId.trim());
    if (lastEventId !== undefined && lastEventId.trim() !== '' && after === undefined)
      throw new ProblemException('VALIDATION_FAILED', 'Last-Event-ID must be an event id this feed sent', [
        { field: 'Last-Event-ID', message: 'Last-Event-ID must be an event id this feed sent (a log position)' },
      ]);
    if (query.organization && !(await this.views.organization(query.organization)))
      throw new ProblemException('ORGANIZATION_NOT_FOUND', `No organization ${query.organization}`);

    const stream = new PassThrough();
    const subscription = this.feed.from(after).subscribe({
      next: (event) => {
        const { organizations, countries } = event.entry;
        if (query.organization && !organizations.includes(query.organization)) return;
        if (query.country && !countries.includes(query.country)) return;
        stream.write(sse(event));
      },
      error: () => stream.end(),
      complete: () => stream.end(),
    });
    // Keeps idle connections open through proxies; a comment moves no client's last event id.
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), this.config.liveHeartbeatMs);
    const close = () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
      stream.end();
    };
    reply.raw.once('close', close);
    stream.once('close', close);
    stream.write(`retry: 2000\n: connected\n\n`);
    await reply
      .status(200)
      .headers({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' })
      .send(stream);
  }
}
