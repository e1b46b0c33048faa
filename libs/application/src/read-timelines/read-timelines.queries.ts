import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_STORE, type DevelopmentDetails, type ReadStore, type TimelinePage, type TimelineQuery } from '../ports/read-store.port';

export class GetTimelineQuery {
  constructor(readonly query: TimelineQuery) {}
}

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler implements IQueryHandler<GetTimelineQuery, TimelinePage> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  execute({ query }: GetTimelineQuery): Promise<TimelinePage> {
    return this.views.timeline(query);
  }
}

export class GetDevelopmentQuery {
  constructor(
    readonly developmentId: string,
    readonly asKnownAt?: number,
  ) {}
}

@QueryHandler(GetDevelopmentQuery)
export class GetDevelopmentHandler implements IQueryHandler<GetDevelopmentQuery, DevelopmentDetails | undefined> {
  constructor(@Inject(READ_STORE) private readonly views: ReadStore) {}

  execute({ developmentId, asKnownAt }: GetDevelopmentQuery): Promise<DevelopmentDetails | undefined> {
    return this.views.development(developmentId, asKnownAt);
  }
}
