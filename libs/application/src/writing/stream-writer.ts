import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isCreationType as isCreation, isDomainEvent, kindOfCreationEvent, type DomainEvent } from '@annals/domain';
import { CLOCK, type Clock } from '../ports/clock.port';
import {
  DuplicateEventIdError,
  EVENT_STORE,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '../ports/event-store.port';
import { deterministicUuid } from './deterministic-id';
import type { DevelopmentLocation } from './development-locator';
import { KeyedLock } from './keyed-lock';
import { WriteBatch, type BatchAccess } from './write-batch';
import type { WriteContext, WriteResult } from './write-context';
import type { WritePlan } from './write-plan';

/** A stream's state as the events so far make it, kept between requests. */
export interface StreamEntry<S> {
  state: S;
  /** Last revision evolved into `state`; undefined while the stream does not exist. */
  revision: bigint | undefined;
  /** The revision each development of the stream was created at: where an idempotent retry finds its answer. */
  readonly creations: Map<string, bigint>;
  /** The revision of every other event by its id: where a repeated correction or retraction finds its answer. */
  readonly changes: Map<string, bigint>;
}

const MAX_ATTEMPTS = 40;
const CACHE_LIMIT = 5000;
/** Developments whose stream this writer has seen lately: corrections find them without the views. */
const LOCATIONS_LIMIT = 100_000;
/** A stream is caught up page by page, giving other requests a turn in between. */
const PAGE = 1000;

/**
 * The write pipeline: load → decide → append with the expected revision, for every command of every kind.
 *
 * - A stream's state is cached and evolved one event at a time; a load reads only the events appended since.
 * - The writers of one stream take turns (a lock per stream): in this process they never conflict, so a race
 *   costs each writer one decision, never a replay. A conflict with another process reads what it appended and
 *   decides again.
 * - A batch (bulk import) decides many commands in order against states that include the earlier ones, then
 *   appends each stream's share in one call: the store group-commits them together.
 */
@Injectable()
export class StreamWriter {
  private readonly cache = new Map<string, StreamEntry<unknown>>();
  private readonly locks = new KeyedLock();
  private readonly batches = new KeyedLock();
  private readonly locations = new Map<string, DevelopmentLocation>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The stream's state, caught up with the store. */
  load<S>(plan: Pick<WritePlan<S>, 'stream' | 'initial' | 'evolve'>): Promise<Readonly<StreamEntry<S>>> {
    return this.locks.run(plan.stream, () => this.catchUp(plan));
  }

  /** True when the store itself refuses an event id used in another stream (see the port). */
  get eventIdsUniqueAcrossStreams(): boolean {
    return this.store.eventIdsUniqueAcrossStreams === true;
  }

  /** The first event of a stream (undefined when it does not exist), without loading the rest. */
  async firstEvent(stream: string): Promise<RecordedEvent | undefined> {
    const [first] = await this.store.readStream(stream, { fromRevision: 0n, limit: 1 });
    return first;
  }

  /**
   * Where a development lives, if this writer created it or read its creation lately (a hint: the decider
   * still checks that the development is there).
   */
  locationOf(developmentId: string): DevelopmentLocation | undefined {
    return this.locations.get(developmentId);
  }

  /** Runs the plan until an append succeeds or the domain refuses; one winner among racing writers. */
  execute<S>(plan: WritePlan<S>): Promise<WriteResult> {
    return this.locks.run(plan.stream, () => this.attempt(plan, plan.presumedNew === true));
  }

  /** `execute` for a caller that holds the stream's lock. */
  private async attempt<S>(plan: WritePlan<S>, presumedNew: boolean): Promise<WriteResult> {
    let presumeNew = presumedNew;
    for (let attempt = 1; ; attempt++) {
      const entry = await this.catchUp(plan, presumeNew);
      const done = plan.eventId === undefined ? undefined : entry.changes.get(plan.eventId);
      if (done !== undefined) return this.original(plan, done, plan.kindOf(entry.state));
      const decided = plan.decide(entry.state);
      if (decided.length === 0) return this.original(plan, entry.creations.get(plan.developmentId), plan.kindOf(entry.state));
      const kind = plan.kindOf(entry.state);
      const events = decided.map((event, index) => this.toNewEvent(event, plan.context, index === 0 ? plan.eventId : undefined));
      try {
        const result = await this.store.append(plan.stream, events, { expectedRevision: entry.revision ?? 'no-stream' });
        // A twin of this request (same deterministic ids) committed first: answer as its retry is answered.
        if (result.replayed) {
          presumeNew = false;
          this.cache.delete(plan.stream);
          continue;
        }
        this.evolveOwn(plan, entry, decided, events, result.revision);
        return written(plan, kind, events, result);
      } catch (error) {
        if (error instanceof DuplicateEventIdError && !presumeNew) {
          throw new DomainError('IDEMPOTENCY_CONFLICT', 'This id was already used for another development');
        }
        // A stream presumed new may hold the development already (a retry): read it, and decide again.
        const presumedWrong = presumeNew && (error instanceof WrongExpectedRevisionError || error instanceof DuplicateEventIdError);
        if (!(presumedWrong || error instanceof WrongExpectedRevisionError) || attempt >= MAX_ATTEMPTS) throw error;
        if (presumedWrong) {
          this.cache.delete(plan.stream);
          presumeNew = false;
          continue;
        }
        // Another process appended: the next catch-up reads just that. Spread the retries a little.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(attempt, 10)));
      }
    }
  }

  /** A batch of commands decided in order and appended together (see WriteBatch). */
  batch(): WriteBatch {
    const access: BatchAccess = {
      exclusive: () => this.batches.acquire('batch'),
      acquire: (stream) => this.locks.acquire(stream),
      catchUp: (plan) => this.catchUp(plan, plan.presumedNew === true),
      evict: (stream) => this.cache.delete(stream),
      toNewEvent: (event, context, eventId) => this.toNewEvent(event, context, eventId),
      original: (plan, revision, kind) => this.original(plan, revision, kind),
      executeHeld: (plan) => this.attempt(plan, false),
      noteCreations: (stream, events) => this.noteCreations(stream, events),
      append: (stream, events, expectedRevision) => this.store.append(stream, events, { expectedRevision }),
    };
    return new WriteBatch(access);
  }

  /**
   * Brings the cached state up to the stream's last revision; a stream presumed new and not cached is not read
   * (the append expecting no stream checks it). Callers hold the stream's lock.
   */
  private async catchUp<S>(plan: Pick<WritePlan<S>, 'stream' | 'initial' | 'evolve'>, presumeNew = false): Promise<StreamEntry<S>> {
    const cached = this.cache.get(plan.stream) as StreamEntry<S> | undefined;
    const entry = cached ?? {
      state: plan.initial(),
      revision: undefined,
      creations: new Map<string, bigint>(),
      changes: new Map<string, bigint>(),
    };
    for (let page = 0; cached || !presumeNew; page++) {
      if (page > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const fromRevision = entry.revision === undefined ? 0n : entry.revision + 1n;
      const events = await this.store.readStream(plan.stream, { fromRevision, limit: PAGE });
      for (const event of events) {
        // Parsed once, here: a stored event of a type the domain does not know changes no state.
        if (isDomainEvent(event)) entry.state = plan.evolve(entry.state, event);
        entry.revision = event.revision;
        remember(entry, event, event.revision);
      }
      this.noteCreations(plan.stream, events);
      if (events.length < PAGE) break;
    }
    this.cache.delete(plan.stream);
    this.cache.set(plan.stream, entry);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return entry;
  }

  /** Our own events, just appended at revisions up to `last`: evolved in without reading them back. */
  private evolveOwn<S>(
    plan: WritePlan<S>,
    entry: StreamEntry<S>,
    decided: readonly DomainEvent[],
    events: readonly NewEvent[],
    last: bigint,
  ): void {
    let revision = last - BigInt(events.length - 1);
    try {
      for (const [index, event] of events.entries()) {
        entry.state = plan.evolve(entry.state, decided[index]!);
        entry.revision = revision;
        remember(entry, event, revision);
        revision++;
      }
    } catch {
      // The write stands; the cached state is read again next time.
      this.cache.delete(plan.stream);
    }
    this.noteCreations(plan.stream, events);
  }

  private noteCreations(stream: string, events: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): void {
    for (const event of events) {
      const kind = kindOfCreationEvent(event.type);
      if (!kind) continue;
      const developmentId = String(event.data.developmentId);
      this.locations.delete(developmentId);
      this.locations.set(developmentId, { stream, kind });
      if (this.locations.size > LOCATIONS_LIMIT) this.locations.delete(this.locations.keys().next().value!);
    }
  }

  /** The answer to an idempotent retry: where the development was first recorded. */
  private async original(plan: WritePlan<unknown>, revision: bigint | undefined, kind: string): Promise<WriteResult> {
    const [created] = revision === undefined ? [] : await this.store.readStream(plan.stream, { fromRevision: revision, limit: 1 });
    if (!created) throw new Error(`The creation of ${plan.developmentId} is not in ${plan.stream}`);
    return {
      developmentId: plan.developmentId,
      kind,
      eventId: created.eventId,
      stream: plan.stream,
      revision: Number(created.revision),
      position: created.position.toString(),
      recordedAt: created.recordedAt,
      created: false,
    };
  }

  private toNewEvent(event: DomainEvent, context: WriteContext, given?: string): NewEvent {
    const developmentId = event.data.developmentId;
    // A creation's id derives from the development id: a retried creation can never be stored twice.
    const eventId = isCreation(event.type) ? deterministicUuid(`${developmentId}:created`) : (given ?? randomUUID());
    return {
      eventId,
      type: event.type,
      data: { ...event.data },
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
}

/** Indexes an event of the stream for idempotent answers. */
export function remember(
  entry: StreamEntry<unknown>,
  event: { type: string; eventId: string; data: Record<string, unknown> },
  revision: bigint,
): void {
  if (isCreation(event.type)) entry.creations.set(String(event.data.developmentId), revision);
  else entry.changes.set(event.eventId, revision);
}

/** The answer to a write that appended `events` (the last of them at `result`). */
export function written(plan: WritePlan<unknown>, kind: string, events: readonly NewEvent[], result: AppendResult): WriteResult {
  return {
    developmentId: plan.developmentId,
    kind,
    eventId: events[0]!.eventId,
    stream: plan.stream,
    revision: Number(result.revision),
    position: result.position.toString(),
    // The store may have moved it forward, so that recorded time never goes backwards across the log.
    recordedAt: result.recordedAt ?? String(events[0]!.metadata.recordedAt),
    created: true,
  };
}
