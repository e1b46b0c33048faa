import type { DomainEvent } from '@annals/domain';
import type { AppendResult, ExpectedRevision, NewEvent } from '../ports/event-store.port';
import { remember, written, type StreamEntry } from './stream-writer';
import type { WriteContext, WriteResult } from './write-context';
import type { WritePlan } from './write-plan';

/** What a batch needs of the writer that opened it. */
export interface BatchAccess {
  /**
   * Held by one batch at a time while it decides: batches lock many streams, single writes one each, and a batch
   * that commits locks nothing more, so none can deadlock.
   */
  exclusive(): Promise<() => void>;
  acquire(stream: string): Promise<() => void>;
  catchUp<S>(plan: WritePlan<S>): Promise<StreamEntry<S>>;
  evict(stream: string): void;
  toNewEvent(event: DomainEvent, context: WriteContext, eventId?: string): NewEvent;
  original(plan: WritePlan<unknown>, revision: bigint | undefined, kind: string): Promise<WriteResult>;
  /** Runs the plan alone as a single write does, reading its stream first; the caller holds the stream's lock. */
  executeHeld(plan: WritePlan<unknown>): Promise<WriteResult>;
  /** Remembers where the batch's developments live, so later commands of the batch find them. */
  noteCreations(stream: string, events: readonly NewEvent[]): void;
  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
}

/** A command of the batch waiting for the commit: its answer, once the stream's share is appended. */
interface Waiting {
  readonly plan: WritePlan<unknown>;
  readonly answer: (result: AppendResult) => Promise<WriteResult> | WriteResult;
  readonly resolve: (result: WriteResult) => void;
  readonly reject: (error: unknown) => void;
}

interface Held {
  readonly stream: string;
  readonly entry: StreamEntry<unknown>;
  readonly release: () => void;
  /** The stream's revision before the batch: what its one append expects. */
  readonly before: bigint | undefined;
  readonly events: NewEvent[];
  readonly waiting: Waiting[];
}

/**
 * Many commands, decided one after another — each against the state its stream has with the batch's earlier
 * commands applied, so every invariant is checked against everything before it — then appended with one call per
 * stream and the stream's revision before the batch. The streams stay locked from their first command until the
 * commit, so no other writer in this process sees the batch's undecided state. A writer in another process makes
 * that stream's append fail as a whole: its commands are then judged again one by one, in order, before the
 * stream is let go, so a later writer of the stream (the next batch included) still comes after them.
 *
 * One batch decides at a time per writer (it locks many streams, while single writes lock one each); the next may
 * start deciding while this one commits.
 */
export class WriteBatch {
  private readonly held = new Map<string, Held>();
  private exclusive?: Promise<() => void>;

  constructor(private readonly access: BatchAccess) {}

  /** Number of commands waiting for the commit. */
  get size(): number {
    let size = 0;
    for (const held of this.held.values()) size += held.waiting.length;
    return size;
  }

  /**
   * Decides `plan` now: throws the domain's refusal (nothing of it is kept), or returns the answer it will get once
   * the batch commits.
   */
  async add<S>(plan: WritePlan<S>): Promise<{ readonly answer: Promise<WriteResult> }> {
    const held = await this.hold(plan);
    const entry = held.entry as StreamEntry<S>;
    const kind = plan.kindOf(entry.state);
    const done = plan.eventId === undefined ? undefined : entry.changes.get(plan.eventId);
    if (done !== undefined) return { answer: this.wait(held, plan, () => this.access.original(plan, done, kind)) };
    const decided = plan.decide(entry.state);
    if (decided.length === 0) {
      // Already recorded, before the batch or earlier in it: answered from the store once the batch is in.
      const revision = entry.creations.get(plan.developmentId);
      return { answer: this.wait(held, plan, () => this.access.original(plan, revision, kind)) };
    }
    const events = decided.map((event, index) => this.access.toNewEvent(event, plan.context, index === 0 ? plan.eventId : undefined));
    for (const [index, event] of events.entries()) {
      entry.state = plan.evolve(entry.state, decided[index]!);
      entry.revision = (entry.revision ?? -1n) + 1n;
      remember(entry, event, entry.revision);
    }
    held.events.push(...events);
    this.access.noteCreations(plan.stream, events);
    const revision = entry.revision!;
    // The position is the stream's last in the batch: views that reached it include this write.
    return { answer: this.wait(held, plan, (result) => written(plan, kind, events, { revision, position: result.position })) };
  }

  /**
   * Appends every stream's share, answers every command, and lets the streams go. The batch acquires nothing more:
   * the next batch may start deciding at once (on streams of this one, it waits for their commit).
   */
  async commit(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    this.letGo();
    await Promise.all(held.map((share) => this.commitShare(share)));
  }

  /** Gives up the batch: nothing is appended, the streams' cached states are dropped and the streams let go. */
  abandon(error: unknown): void {
    for (const share of this.held.values()) {
      this.access.evict(share.stream);
      for (const waiting of share.waiting) waiting.reject(error);
      share.release();
    }
    this.held.clear();
    this.letGo();
  }

  private letGo(): void {
    void this.exclusive?.then((release) => release());
    this.exclusive = undefined;
  }

  private async commitShare(share: Held): Promise<void> {
    try {
      let result: AppendResult | undefined;
      try {
        result =
          share.events.length > 0
            ? await this.access.append(share.stream, share.events, share.before ?? 'no-stream')
            : { revision: share.before ?? -1n, position: 0n };
      } catch {
        // Another process wrote to the stream meanwhile, or the development's id is used elsewhere.
        result = undefined;
      }
      // The stream presumed new held these very events already (a line imported again) is judged again too.
      if (result === undefined || result.replayed) return await this.judgeAgain(share);
      for (const waiting of share.waiting) {
        try {
          waiting.resolve(await waiting.answer(result));
        } catch (error) {
          waiting.reject(error);
        }
      }
    } finally {
      share.release();
    }
  }

  /** The share is not in the store as decided: each command alone, in order, against what the stream holds. */
  private async judgeAgain(share: Held): Promise<void> {
    // The cached state holds the batch's events, which are not in the store: it must be read again.
    this.access.evict(share.stream);
    for (const waiting of share.waiting) {
      try {
        waiting.resolve(await this.access.executeHeld(waiting.plan));
      } catch (error) {
        waiting.reject(error);
      }
    }
  }

  private async hold<S>(plan: WritePlan<S>): Promise<Held> {
    const known = this.held.get(plan.stream);
    if (known) return known;
    await (this.exclusive ??= this.access.exclusive());
    const release = await this.access.acquire(plan.stream);
    try {
      const entry = await this.access.catchUp(plan);
      const held: Held = { stream: plan.stream, entry, release, before: entry.revision, events: [], waiting: [] };
      this.held.set(plan.stream, held);
      return held;
    } catch (error) {
      release();
      throw error;
    }
  }

  private wait(held: Held, plan: WritePlan<unknown>, answer: Waiting['answer']): Promise<WriteResult> {
    const promise = new Promise<WriteResult>((resolve, reject) => held.waiting.push({ plan, answer, resolve, reject }));
    // Answers settle during the commit and are read after it: a refusal meanwhile is not an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  }
}
