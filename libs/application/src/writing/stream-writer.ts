import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, kindOfCreationEvent, type DomainEvent, type EventLike } from '@annals/domain';
import { CLOCK, type Clock } from '../ports/clock.port';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../ports/event-store.port';
import { deterministicUuid } from './deterministic-id';
import type { WriteContext } from './write-context';

/** Where each development of a stream was first recorded: the answer to an idempotent retry. */
export interface Creation {
  readonly eventId: string;
  readonly revision: bigint;
  readonly position: bigint;
}

export interface Loaded<S> {
  readonly state: S;
  /** Last revision, or undefined when the stream does not exist. */
  readonly revision: bigint | undefined;
  readonly creations: ReadonlyMap<string, Creation>;
}

export interface Appended {
  readonly eventIds: string[];
  readonly revision: bigint;
  readonly position: bigint;
}

const MAX_ATTEMPTS = 40;
const CACHE_LIMIT = 5000;

/**
 * Load → decide → append with the expected revision. On a wrong expected revision another writer won:
 * reload and decide again, so racing writers end in one winner and correct answers for the rest.
 * Stream states are cached by revision; only the events after it are read on the next command.
 */
@Injectable()
export class StreamWriter {
  private readonly cache = new Map<string, Loaded<unknown>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async load<S>(stream: string, initial: () => S, evolve: (state: S, event: EventLike) => S): Promise<Loaded<S>> {
    const cached = this.cache.get(stream) as Loaded<S> | undefined;
    const fromRevision = cached?.revision === undefined ? 0n : cached.revision + 1n;
    const events = await this.store.readStream(stream, { fromRevision });
    if (cached && events.length === 0) return cached;
    let state = cached && cached.revision !== undefined ? cached.state : initial();
    const creations = new Map(cached?.creations ?? []);
    let revision = cached?.revision;
    for (const event of events) {
      state = evolve(state, event);
      revision = event.revision;
      if (kindOfCreationEvent(event.type) || event.type === 'OrganizationRegistered') {
        creations.set(event.data.developmentId as string, { eventId: event.eventId, revision: event.revision, position: event.position });
      }
    }
    const loaded: Loaded<S> = { state, revision, creations };
    this.remember(stream, loaded);
    return loaded;
  }

  /**
   * Runs decide against the stream until an append succeeds. `decide` returning no events means the
   * command was already carried out (an idempotent retry); `answer` then reads the original result.
   */
  async execute<S, R>(options: {
    stream: string;
    initial: () => S;
    evolve: (state: S, event: EventLike) => S;
    decide: (state: S) => DomainEvent[];
    context: WriteContext;
    answer: (loaded: Loaded<S>, appended: Appended | undefined) => R;
  }): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(options.stream, options.initial, options.evolve);
      const events = options.decide(loaded.state);
      if (events.length === 0) return options.answer(loaded, undefined);
      const newEvents = events.map((event) => this.toNewEvent(event, options.context));
      try {
        const result = await this.store.append(options.stream, newEvents, {
          expectedRevision: loaded.revision === undefined ? 'no-stream' : loaded.revision,
        });
        // A racing twin of this request committed the same events first: answer as a retry would be answered.
        if (result.replayed) {
          this.cache.delete(options.stream);
          continue;
        }
        return options.answer(loaded, { eventIds: newEvents.map((e) => e.eventId), ...result });
      } catch (error) {
        if (error instanceof DuplicateEventIdError) {
          throw new DomainError('IDEMPOTENCY_CONFLICT', 'This id was already used for another development');
        }
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        this.cache.delete(options.stream);
        // Spread the retries of many racing writers a little.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));
      }
    }
  }

  private toNewEvent(event: DomainEvent, context: WriteContext): NewEvent {
    const developmentId = event.data.developmentId;
    // A creation's id derives from the development id: a retried creation can never be stored twice.
    const eventId =
      kindOfCreationEvent(event.type) || event.type === 'OrganizationRegistered'
        ? deterministicUuid(`${developmentId}:created`)
        : randomUUID();
    return {
      eventId,
      type: event.type,
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        eventId,
        schemaVersion: 1,
        recordedAt: this.clock.now().toISOString(),
        correlationId: context.correlationId,
        causationId: context.causationId ?? context.correlationId,
        actor: context.actor,
      },
    };
  }

  private remember(stream: string, loaded: Loaded<unknown>): void {
    this.cache.delete(stream);
    this.cache.set(stream, loaded);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Events of a stream as stored, for answers that need them. */
  readStream(stream: string): Promise<RecordedEvent[]> {
    return this.store.readStream(stream);
  }
}
