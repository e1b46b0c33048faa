import { Inject, Injectable } from '@nestjs/common';
import { DomainError, kindOfCreationEvent, type DevelopmentKind } from '@annals/domain';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../ports/projection-progress.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { developmentStream } from './streams';

/**
 * Finds the stream that holds a development. Meetings and peace summits have their own stream; the others
 * live in their organization's stream, found through the views — after letting them catch up with the log
 * when the id is not there yet, so a development recorded a moment ago is found too.
 */
@Injectable()
export class DevelopmentLocator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
  ) {}

  async streamOf(developmentId: string): Promise<string> {
    return (await this.locate(developmentId)).stream;
  }

  async locate(developmentId: string): Promise<{ stream: string; kind: DevelopmentKind }> {
    const own = developmentStream(developmentId);
    const [first] = await this.store.readStream(own, { fromRevision: 0n });
    const ownKind = first && kindOfCreationEvent(first.type);
    if (ownKind) return { stream: own, kind: ownKind };
    let found = await this.views.locate(developmentId);
    if (!found) {
      await this.progress.waitFor(await this.store.headPosition(), 5000);
      found = await this.views.locate(developmentId);
    }
    if (!found) throw new DomainError('DEVELOPMENT_NOT_FOUND', `No development ${developmentId}`);
    return found;
  }
}
