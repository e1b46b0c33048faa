import {
  StreamWriter,
  WritePlanner,
  DevelopmentLocator,
  systemClock,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
  type ProjectionProgress,
  type ReadStore,
  type ReadStreamOptions,
  type RecordedEvent,
  type WriteContext,
} from '@annals/application';
import type { Development, DevelopmentKind } from '@annals/domain';
import { InMemoryEventStore } from '@annals/event-store';

export const context: WriteContext = { actor: 'test', correlationId: '11111111-1111-4111-8111-111111111111' };

export interface Read {
  readonly stream: string;
  readonly fromRevision: bigint;
  readonly limit?: number;
  /** How many events the read returned. */
  readonly returned: number;
}

export interface Append {
  readonly stream: string;
  readonly events: number;
  readonly expectedRevision: ExpectedRevision;
  /** The error's name when the store refused it. */
  readonly refused?: string;
}

/**
 * The in-memory store, telling what the writers read and append; `beforeNextAppend` lets "another process" write
 * between a writer's decision and its append, the one moment a conflict can happen.
 */
export class ObservedStore extends InMemoryEventStore {
  readonly reads: Read[] = [];
  readonly appends: Append[] = [];
  private readonly interposed: Array<() => Promise<unknown>> = [];
  private interposing = false;

  override async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await super.readStream(stream, options);
    this.reads.push({ stream, fromRevision: options.fromRevision ?? 0n, limit: options.limit, returned: events.length });
    return events;
  }

  override async append(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    // The other process's own append is not interposed upon.
    const interposed = this.interposing ? undefined : this.interposed.shift();
    if (interposed) {
      this.interposing = true;
      try {
        await interposed();
      } finally {
        this.interposing = false;
      }
    }
    try {
      const result = await super.append(stream, events, options);
      this.appends.push({ stream, events: events.length, expectedRevision: options.expectedRevision });
      return result;
    } catch (error) {
      this.appends.push({ stream, events: events.length, expectedRevision: options.expectedRevision, refused: (error as Error).name });
      throw error;
    }
  }

  /** Runs `write` (another process's) just before the next append reaches the store. */
  beforeNextAppend(write: () => Promise<unknown>): void {
    this.interposed.push(write);
  }

  /** Reads of `stream` by the writers' catch-up (a page at a time), not the one-event look-ups. */
  catchUpsOf(stream: string): Read[] {
    return this.reads.filter((read) => read.stream === stream && read.limit !== 1);
  }

  forget(): void {
    this.reads.length = 0;
    this.appends.length = 0;
  }
}

/**
 * The views as far as writes ask them: where a development lives. A location becomes visible once the views have
 * caught up (`waitFor`), as a development recorded a moment ago does.
 */
export class LocatingViews implements ReadStore {
  readonly located: string[] = [];
  private readonly visible = new Map<string, { stream: string; kind: DevelopmentKind }>();
  private readonly projecting = new Map<string, { stream: string; kind: DevelopmentKind }>();

  /** A location the views already hold. */
  hold(developmentId: string, stream: string, kind: DevelopmentKind): void {
    this.visible.set(developmentId, { stream, kind });
  }

  /** A location the views reach once they catch up with the log. */
  project(developmentId: string, stream: string, kind: DevelopmentKind): void {
    this.projecting.set(developmentId, { stream, kind });
  }

  catchUp(): void {
    for (const [id, location] of this.projecting) this.visible.set(id, location);
    this.projecting.clear();
  }

  locate(developmentId: string): Promise<{ stream: string; kind: DevelopmentKind } | undefined> {
    this.located.push(developmentId);
    return Promise.resolve(this.visible.get(developmentId));
  }

  timeline(): never {
    return notAsked('timeline');
  }
  development(): never {
    return notAsked('development');
  }
  organizations(): never {
    return notAsked('organizations');
  }
  organization(): never {
    return notAsked('organization');
  }
  membershipPeriods(): never {
    return notAsked('membershipPeriods');
  }
  presidencyPeriods(): never {
    return notAsked('presidencyPeriods');
  }
}

function notAsked(query: string): never {
  throw new Error(`the write pipeline does not ask the views for ${query}`);
}

/** Projection progress over LocatingViews: waiting lets the views catch up, and says up to where it was asked. */
export class CatchingUpProgress implements ProjectionProgress {
  readonly waitedFor: bigint[] = [];
  constructor(private readonly views: LocatingViews) {}

  waitFor(position: bigint): Promise<boolean> {
    this.waitedFor.push(position);
    this.views.catchUp();
    return Promise.resolve(true);
  }
}

/** One process's write side over `store`: its writer (with its caches), planner and locator. */
export function writeSide(store: ObservedStore, views = new LocatingViews()) {
  const writer = new StreamWriter(store, systemClock);
  const progress = new CatchingUpProgress(views);
  const locator = new DevelopmentLocator(store, views, progress, writer);
  const planner = new WritePlanner(writer, locator, views);
  const register = (code: string) => writer.execute(planner.register({ developmentId: `organization-${code}`, code, name: code, context }));
  const record = async (developmentId: string, development: Development) =>
    writer.execute(await planner.record({ developmentId, development, context, clientId: true }));
  return { writer, planner, locator, views, progress, register, record };
}

let titles = 0;

export const approval = (organization: string, country: string, occurredOn: string): Development => ({
  kind: 'membership-approval',
  content: { occurredOn, title: `${country} joins ${organization} (${++titles})`, organization, country, status: 'member' },
});

export const meeting = (title: string, occurredOn = '2024-07-03'): Development => ({
  kind: 'meeting',
  content: {
    occurredOn,
    title,
    participants: [
      { name: 'Xi Jinping', country: 'CN' },
      { name: 'Vladimir Putin', country: 'RU' },
    ],
  },
});
