import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import {
  EVENT_STORE,
  READ_STORE,
  type EventStore,
  type ReadStore,
  type RecordedEvent,
  type Subscription,
  type TimelineEntry,
} from '@annals/application';
import { DEVELOPMENT_CORRECTED, DEVELOPMENT_RETRACTED, isDevelopmentEvent } from '@annals/domain';
import { Projections } from '../persistence/projections';

export const LIVE_EVENT_NAMES = ['recorded', 'corrected', 'retracted'] as const;

/** One event of the log, as the live feed reports it: what happened, where in the log, and the development then. */
export interface LiveEvent {
  readonly name: (typeof LIVE_EVENT_NAMES)[number];
  readonly position: bigint;
  readonly entry: TimelineEntry;
}

const nameOf = (type: string): LiveEvent['name'] =>
  type === DEVELOPMENT_CORRECTED ? 'corrected' : type === DEVELOPMENT_RETRACTED ? 'retracted' : 'recorded';

/** How long a reported event may wait for the views to include it. */
const VIEWS_WAIT_MS = 60_000;

/**
 * Follows the log from its head and announces each recorded, corrected or retracted development once the
 * views include it, so a client that reacts by reading sees what it was told about. A client resuming after a
 * position first gets every event after it from the log, then the live ones: no gap, no duplicate.
 */
@Injectable()
export class LiveFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveFeed');
  private readonly events = new Subject<LiveEvent>();
  private subscription?: Subscription;
  private loop?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly views: ReadStore,
    private readonly runner: Projections,
  ) {}

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    this.loop = this.follow(head);
  }

  /**
   * The events announced from now on; with `after`, first every event of the log after that position (read from
   * the log, so also from before a restart), then the live ones, each position once and in order.
   */
  from(after: bigint | undefined): Observable<LiveEvent> {
    return new Observable<LiveEvent>((subscriber) => {
      let last = after ?? -1n;
      let replaying = after !== undefined;
      const held: LiveEvent[] = [];
      const emit = (event: LiveEvent) => {
        if (event.position <= last) return;
        last = event.position;
        subscriber.next(event);
      };
      const live = this.events.subscribe({
        next: (event) => (replaying ? held.push(event) : emit(event)),
        complete: () => subscriber.complete(),
      });
      if (after === undefined) return () => live.unsubscribe();
      let closed = false;
      void (async () => {
        // Everything up to the head is replayed from the log; what the live feed holds beyond it follows.
        const head = await this.store.headPosition();
        await this.runner.waitFor(head, VIEWS_WAIT_MS);
        for await (const event of this.store.readAll({ after, batchSize: 500 })) {
          if (closed || event.position > head) break;
          const reported = await this.report(event);
          if (reported) emit(reported);
        }
        if (last < head) last = head;
        replaying = false;
        held.splice(0).forEach(emit);
      })().catch((error: unknown) => subscriber.error(error));
      return () => {
        closed = true;
        live.unsubscribe();
      };
    });
  }

  /** The development as this event left it, even when later events already reached the views. */
  private async report(event: RecordedEvent): Promise<LiveEvent | undefined> {
    if (!isDevelopmentEvent(event.type)) return undefined;
    const details = await this.views.development(String(event.data.developmentId), Date.parse(event.recordedAt));
    return details ? { name: nameOf(event.type), position: event.position, entry: details.entry } : undefined;
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
          if (!isDevelopmentEvent(event.type) || !this.events.observed) continue;
          await this.runner.waitFor(event.position, VIEWS_WAIT_MS);
          const reported = await this.report(event);
          if (reported) this.events.next(reported);
          backoff = 100;
        }
      } catch (error) {
        this.logger.warn(`live feed interrupted: ${error instanceof Error ? error.message : String(error)}; resuming`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
    this.events.complete();
  }
}
