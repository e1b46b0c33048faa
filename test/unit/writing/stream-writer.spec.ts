import { StreamWriter, systemClock, type EventStore, type ReadStreamOptions, type WritePlan } from '@annals/application';
import { DomainError, type DomainEvent, type EventLike } from '@annals/domain';
import { InMemoryEventStore } from '@annals/event-store';

/** A tally stream: each command adds one `Counted` event; `limit` is the invariant. */
interface Tally {
  count: number;
  evolved: number;
}

/** Counts what the writer reads, to show a stream is never replayed. */
class CountingStore extends InMemoryEventStore {
  readsFrom: bigint[] = [];
  override readStream(stream: string, options: ReadStreamOptions = {}) {
    if (stream.startsWith('tally-')) this.readsFrom.push(options.fromRevision ?? 0n);
    return super.readStream(stream, options);
  }
}

const context = { actor: 'test', correlationId: 'c' };
let ids = 0;

function count(stream: string, options: { limit?: number; id?: string } = {}): WritePlan<Tally> {
  const developmentId = options.id ?? `d${++ids}`;
  return {
    stream,
    developmentId,
    context,
    kindOf: () => 'tally',
    initial: () => ({ count: 0, evolved: 0 }),
    evolve: (state: Tally, _event: EventLike) => {
      state.count++;
      state.evolved++;
      return state;
    },
    decide: (state: Tally): DomainEvent[] => {
      if (options.limit !== undefined && state.count >= options.limit) throw new DomainError('VALIDATION_FAILED', 'full');
      return [{ type: 'DevelopmentRetracted', data: { developmentId, kind: 'meeting', reason: `after ${state.count}` } }];
    },
  };
}

describe('StreamWriter (the write pipeline)', () => {
  it('reads only the events appended since its cached revision, never the whole stream again', async () => {
    const store = new CountingStore();
    const writer = new StreamWriter(store, systemClock);
    for (let i = 0; i < 5; i++) await writer.execute(count('tally-a'));
    // Each write catches up from the revision after the last one it saw.
    expect(store.readsFrom).toEqual([0n, 1n, 2n, 3n, 4n]);
    const loaded = await writer.load(count('tally-a'));
    expect(loaded.state).toEqual({ count: 5, evolved: 5 });
    expect(loaded.revision).toBe(4n);
  });

  it('lets racing writers of one stream take turns: all succeed, each decided on the state the previous one left', async () => {
    const store = new InMemoryEventStore();
    const writer = new StreamWriter(store, systemClock);
    const results = await Promise.all(Array.from({ length: 20 }, () => writer.execute(count('tally-race'))));
    expect(results.map((r) => r.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const events = await store.readStream('tally-race');
    expect(events.map((e) => e.data.reason)).toEqual(Array.from({ length: 20 }, (_, i) => `after ${i}`));
  });

  it('refuses, appending nothing, once the invariant is reached under a race', async () => {
    const store = new InMemoryEventStore();
    const writer = new StreamWriter(store, systemClock);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => writer.execute(count('tally-limit', { limit: 3 }))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(await store.readStream('tally-limit')).toHaveLength(3);
  });

  it('after a conflict with another process reads just what that process appended, and decides again', async () => {
    const store = new CountingStore();
    const mine = new StreamWriter(store, systemClock);
    const theirs = new StreamWriter(store, systemClock);
    await mine.execute(count('tally-x'));
    await theirs.execute(count('tally-x'));
    store.readsFrom = [];
    const result = await mine.execute(count('tally-x'));
    expect(result.revision).toBe(2);
    expect(store.readsFrom).toEqual([1n]);
    expect((await mine.load(count('tally-x'))).state.evolved).toBe(3);
  });

  it('catches a long stream up page by page', async () => {
    const store = new CountingStore();
    const writer = new StreamWriter(store, systemClock);
    const other = new StreamWriter(store, systemClock);
    for (let i = 0; i < 2500; i++) await other.execute(count('tally-long'));
    store.readsFrom = [];
    expect((await writer.load(count('tally-long'))).state.count).toBe(2500);
    expect(store.readsFrom).toEqual([0n, 1000n, 2000n]);
  });

  describe('batches', () => {
    it('decides each command against the earlier ones of the batch and appends once per stream', async () => {
      const store = new InMemoryEventStore();
      const appends: string[] = [];
      const spy: EventStore = Object.assign(Object.create(store) as EventStore, {
        append: (...args: Parameters<EventStore['append']>) => {
          appends.push(args[0]);
          return store.append(...args);
        },
      });
      const writer = new StreamWriter(spy, systemClock);
      const batch = writer.batch();
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push((await batch.add(count('tally-b', { limit: 3 }))).answer);
      // The fourth is judged against the three before it, though none is stored yet.
      await expect(batch.add(count('tally-b', { limit: 3 }))).rejects.toThrow('full');
      answers.push((await batch.add(count('tally-c'))).answer);
      expect(await store.readStream('tally-b')).toHaveLength(0);
      await batch.commit();
      const settled = await Promise.allSettled(answers);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect(appends).toEqual(['tally-b', 'tally-c']);
      expect((await store.readStream('tally-b')).map((e) => e.revision)).toEqual([0n, 1n, 2n]);
    });

    it('answers a command already carried out, before or earlier in the batch, with the original write', async () => {
      const store = new InMemoryEventStore();
      const writer = new StreamWriter(store, systemClock);
      const once = (id: string): WritePlan<Tally> => ({
        ...count(`tally-${id}`, { id }),
        // A creation: recorded once, a no-op afterwards.
        decide: (state) => (state.count > 0 ? [] : [{ type: 'MeetingHeld', data: { developmentId: id } as never }]),
      });
      const before = await writer.execute(once('p'));
      const batch = writer.batch();
      const again = (await batch.add(once('p'))).answer;
      const first = (await batch.add(once('q'))).answer;
      const twice = (await batch.add(once('q'))).answer;
      await batch.commit();
      expect(await again).toEqual({ ...before, created: false });
      expect((await first).created).toBe(true);
      expect(await twice).toEqual({ ...(await first), created: false });
    });

    it('judges again alone the commands of a stream another process wrote to meanwhile, and reads it again', async () => {
      const store = new InMemoryEventStore();
      const writer = new StreamWriter(store, systemClock);
      const other = new StreamWriter(store, systemClock);
      await writer.execute(count('tally-f'));
      const batch = writer.batch();
      const { answer } = await batch.add(count('tally-f'));
      const refused = batch.add(count('tally-f', { limit: 3 }));
      const unaffected = (await batch.add(count('tally-g'))).answer;
      await other.execute(count('tally-f'));
      await batch.commit();
      // Judged again against the other process's event: the first comes after it, the second is now over the limit.
      expect(await answer).toMatchObject({ revision: 2, created: true });
      await expect((await refused).answer).rejects.toThrow('full');
      expect((await unaffected).created).toBe(true);
      // The speculative state was dropped: the next write sees every stored event.
      const next = await writer.execute(count('tally-f'));
      expect(next.revision).toBe(3);
      expect((await writer.load(count('tally-f'))).state.count).toBe(4);
    });
  });
});
