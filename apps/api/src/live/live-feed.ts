import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import { EVENT_STORE, READ_STORE, type EventStore, type ReadStore, type Subscription, type TimelineEntry } from '@annals/application';
import { isDevelopmentEvent } from '@annals/domain';
import { Projections } from '../persistence/projections';

/**
 * Follows the log from its head and announces each recorded, corrected or retracted development once the
 * views include it, so a client that reacts by reading sees what it was told about.
 */
@Injectable()
export class LiveFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveFeed');
  private readonly entries = new Subject<TimelineEntry>();
  private subscription?: Subscription;
  private loop?: Promise<void>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly views: ReadStore,
    private readonly runner: Projections,
  ) {}

  get developments(): Observable<TimelineEntry> {
    return this.entries.asObservable();
  }

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.loop = this.follow(head);
  }

  private async follow(after: bigint): Promise<void> {
    let position = after;
    let backoff = 100;
    while (!this.stopped) {
      this.subscription = this.store.subscribe({ after: position });
      try {
        for await (const event of this.subscription) {
          position = event.position;
          // Nobody listening: nothing to look up (a write-heavy service pays nothing for the feed).
          if (!isDevelopmentEvent(event.type) || !this.entries.observed) continue;
          await this.runner.waitFor(event.position, 60_000);
          // The development as this event left it, even when later events already reached the views.
          const details = await this.views.development(event.data.developmentId as string, Date.parse(event.recordedAt));
          if (details) this.entries.next(details.entry);
          backoff = 100;
        }
      } catch (error) {
        this.logger.warn(`live feed interrupted: ${error instanceof Error ? error.message : String(error)}; resuming`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  private stopped = false;

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
    this.entries.complete();
  }
}
