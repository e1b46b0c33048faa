import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { GetTimelineQuery, type TimelinePage, type TimelineQuery, type TimelineScope } from '@annals/application';
import { storedDevelopment } from '@annals/domain';
import { ReadConsistency } from '../http/read-consistency';
import { EXPORTERS } from './exports';
import type { ExportRow } from './exports/timeline-export';
import { encodeCursor, timelineQuery } from './timeline-request';
import type { TimelineQueryDto } from './timeline-query.dto';

/** Exports stop here: a bound on memory and time for one request. */
const EXPORT_LIMIT = 20_000;

/** Answers a timeline request as a JSON page, or as a whole-timeline export in the asked format. */
@Injectable()
export class TimelineResponder {
  constructor(
    private readonly queries: QueryBus,
    private readonly consistency: ReadConsistency,
  ) {}

  async respond(scope: TimelineScope, dto: TimelineQueryDto, title: string, reply: FastifyReply) {
    const query = timelineQuery(scope, dto);
    await this.consistency.ensure(dto.minPosition);
    const format = dto.format ?? 'json';
    if (format === 'json') {
      const page = await this.queries.execute<GetTimelineQuery, TimelinePage>(new GetTimelineQuery(query));
      // The stored entries are already JSON: splice them in rather than parse and re-encode every item.
      const nextCursor = page.next ? encodeCursor(page.next, query.order) : null;
      void reply.header('content-type', 'application/json; charset=utf-8');
      return `{"items":[${page.itemsJson.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
    }
    const rows = await this.everything(query);
    const file = EXPORTERS[format](rows, title);
    const name = title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    void reply.header('content-type', file.contentType).header('content-disposition', `attachment; filename="${name}.${file.extension}"`);
    return file.body;
  }

  /** Every page of the timeline (keyset, never OFFSET), for exports. */
  private async everything(query: TimelineQuery): Promise<ExportRow[]> {
    const rows: ExportRow[] = [];
    let cursor = query.cursor;
    do {
      const page = await this.queries.execute<GetTimelineQuery, TimelinePage>(
        new GetTimelineQuery({ ...query, limit: 500, withContent: true, ...(cursor ? { cursor } : {}) }),
      );
      page.items.forEach((entry, index) => rows.push({ entry, development: storedDevelopment(entry.kind, page.contents[index]) }));
      cursor = page.next ?? undefined;
    } while (cursor && rows.length < EXPORT_LIMIT);
    return rows;
  }
}
