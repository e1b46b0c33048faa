import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { EVENT_STORE, READ_STORE, type EventStore, type ReadStore, type TimelineEntry } from '@annals/application';
import { DEVELOPMENT_CORRECTED, DEVELOPMENT_RETRACTED, isDevelopmentEvent } from '@annals/domain';
import { appliedEvent, type AppliedEvent } from '@annals/projections';
import { Projections } from '../persistence/projections';
import { LiveAnnouncer } from './live-announcer';

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
 * Announces each recorded, corrected or retracted development after the log's head at start, once the views
 * include it, so a client that reacts by reading sees what it was told about. It opens no subscription of its own:
 * it follows the projection runner's progress (`LiveAnnouncer`). A client resuming after a position first gets
 * every event after it from the log, then the live ones: no gap, no duplicate.
 */
@Injectable()
export class LiveFeed implements OnApplicationShutdown {
  private readonly logger = new Logger('LiveFeed');
  private readonly events = new Subject<LiveEvent>();
  private announcer?: LiveAnnouncer;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly views: ReadStore,
    private readonly runner: Projections,
  ) {}

  async start(): Promise<void> {
    const head = await this.store.headPosition();
    const announcer = new LiveAnnouncer(
      {
        readLog: (after, upTo) => this.readLog(after, upTo),
        observed: () => this.events.observed,
        relevant: (event) => isDevelopmentEvent(event.type),
        announce: async (event) => {
          const reported = await this.report(event);
          if (reported) this.events.next(reported);
        },
        failed: (error) => this.logger.warn(`live feed skipped an update: ${error instanceof Error ? error.message : String(error)}`),
        viewsWaitMs: VIEWS_WAIT_MS,
      },
      head,
    );
    this.announcer = announcer;
    this.runner.onProgress((progress) => announcer.progressed(progress));
  }

  private async *readLog(after: bigint, upTo: bigint): AsyncGenerator<AppliedEvent> {
    for await (const event of this.store.readAll({ after, batchSize: 500 })) {
      if (event.position > upTo) return;
      yield appliedEvent(event);
    }
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
          const reported = isDevelopmentEvent(event.type) ? await this.report(appliedEvent(event)) : undefined;
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
  private async report(event: AppliedEvent): Promise<LiveEvent | undefined> {
    if (event.developmentId === undefined) return undefined;
    const details = await this.views.development(event.developmentId, Date.parse(event.recordedAt));
    return details ? { name: nameOf(event.type), position: event.position, entry: details.entry } : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.announcer?.close();
    this.events.complete();
  }
}
