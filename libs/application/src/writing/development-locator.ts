import { Inject, Injectable } from '@nestjs/common';
import { DomainError, kindOfCreationEvent, type DevelopmentKind } from '@annals/domain';
import { EVENT_STORE, type EventStore } from '../ports/event-store.port';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../ports/projection-progress.port';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { StreamWriter } from './stream-writer';
import { developmentStream } from './streams';

/** The stream that holds a development, and its kind. */
export interface DevelopmentLocation {
  readonly stream: string;
  readonly kind: DevelopmentKind;
}

/**
 * Finds the stream that holds a development. Most kinds have their own stream (its first event says so); the
 * others live in their organization's stream, found through the views — after letting them catch up with the
 * log when the id is not there yet, so a development recorded a moment ago is found too.
 */
@Injectable()
export class DevelopmentLocator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly views: ReadStore,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    private readonly writer: StreamWriter,
  ) {}

  async locate(developmentId: string): Promise<DevelopmentLocation> {
    const recent = this.writer.locationOf(developmentId);
    if (recent) return recent;
    const own = developmentStream(developmentId);
    const [first] = await this.store.readStream(own, { fromRevision: 0n, limit: 1 });
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
