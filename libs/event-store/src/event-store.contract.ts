import { randomUUID } from 'node:crypto';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  restoreLog,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '@annals/application';

export interface ContractFixture {
  readonly store: EventStore;
  /** Closes the store and opens it again on the same storage (durable adapters only). */
  readonly reopen?: () => Promise<EventStore>;
  readonly cleanup: () => Promise<void>;
}

const event = (type = 'ThingHappened', data: Record<string, unknown> = { n: 1 }): NewEvent => ({
  eventId: randomUUID(),
  type,
  data: { developmentId: randomUUID(), ...data },
  metadata: { recordedAt: new Date().toISOString(), schemaVersion: 1 },
});

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for await (const recorded of iterable) all.push(recorded);
  return all;
};

/** Takes `count` events from a subscription, failing after `timeoutMs`. */
const take = async (iterable: AsyncIterable<RecordedEvent>, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> => {
  const taken: RecordedEvent[] = [];
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${taken.length} of ${count} events arrived`)), timeoutMs);
    timer.unref();
  });
  const run = (async () => {
    for await (const recorded of iterable) {
      taken.push(recorded);
      if (taken.length >= count) break;
    }
    return taken;
  })();
  return Promise.race([run, timeout]);
};

const stream = (prefix = 'contract') => `${prefix}-${randomUUID()}`;

/** The behaviour every EventStore adapter must show. Written once, run for each adapter. */
/** What an adapter's server can promise beyond the port's core. */
export interface ContractCapabilities {
  /**
   * Event ids unique across streams. KurrentDB checks ids only within the appended stream (its idempotency is
   * per stream), so for it a stored id in another stream is a plain new event; our ids are derived from the
   * development id, which also names the stream, so the difference never shows in Annals.
   */
  readonly eventIdsUniqueAcrossStreams: boolean;
  /** A restored log keeps its positions (the store takes them as given), not only their order. */
  readonly restoresPositions?: boolean;
}

/** An exported log: two streams interleaved, positions with gaps, recorded instants of the past, metadata of all kinds. */
const exportedLog = (): RecordedEvent[] => {
  const a = stream('restored-a');
  const b = stream('restored-b');
  const at = (day: number) => `2024-06-${String(day).padStart(2, '0')}T09:00:00.000Z`;
  const rows: Array<[string, number, number]> = [
    [a, 0, 1],
    [a, 1, 1],
    [b, 0, 2],
    [a, 2, 3],
    [b, 1, 3],
    [b, 2, 16],
    [a, 3, 17],
  ];
  return rows.map(([name, revision, day], index) => {
    const eventId = randomUUID();
    return {
      position: BigInt(10 + index * 7),
      stream: name,
      revision: BigInt(revision),
      eventId,
      type: index % 2 === 0 ? 'ThingHappened' : 'ThingCorrected',
      data: { developmentId: name, n: index, nested: { text: 'ünïcødé ✓', list: [1, null] } },
      metadata: { eventId, recordedAt: at(day), schemaVersion: 1, actor: 'restorer', correlationId: `c-${index}` },
      recordedAt: at(day),
    };
  });
};

export function describeEventStoreContract(
  adapterName: string,
  open: () => Promise<ContractFixture>,
  capabilities: ContractCapabilities = { eventIdsUniqueAcrossStreams: true },
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it(`[${adapterName}] appends and reads a stream in order, revisions from 0`, async () => {
      const name = stream();
      const first = await store.append(name, [event('A'), event('B')], { expectedRevision: 'no-stream' });
      const second = await store.append(name, [event('C')], { expectedRevision: 1n });
      expect(first.revision).toBe(1n);
      expect(second.revision).toBe(2n);
      expect(second.position > first.position).toBe(true);
      const read = await store.readStream(name);
      expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
      expect(read.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
      expect(read[2]!.position).toBe(second.position);
      expect((await store.readStream(name, { fromRevision: 1n })).map((e) => e.type)).toEqual(['B', 'C']);
      // Pages of a long stream: a writer's cache catches up without reading the whole stream at once.
      expect((await store.readStream(name, { fromRevision: 0n, limit: 2 })).map((e) => e.type)).toEqual(['A', 'B']);
      expect((await store.readStream(name, { fromRevision: 2n, limit: 2 })).map((e) => e.type)).toEqual(['C']);
    });

    it(`[${adapterName}] keeps data, metadata and recordedAt as written`, async () => {
      const name = stream();
      const written = event('Detailed', { nested: { list: [1, 'two', null] }, text: 'ünïcødé ✓' });
      await store.append(name, [written], { expectedRevision: 'any' });
      const [read] = await store.readStream(name);
      expect(read!.eventId).toBe(written.eventId);
      expect(read!.data).toEqual(written.data);
      expect(read!.metadata).toEqual(written.metadata);
      expect(read!.recordedAt).toBe(written.metadata.recordedAt);
      expect(read!.stream).toBe(name);
    });

    it(`[${adapterName}] reads an unknown stream as empty`, async () => {
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it(`[${adapterName}] rejects a wrong expected revision with a typed error and appends nothing`, async () => {
      const name = stream();
      await store.append(name, [event()], { expectedRevision: 'no-stream' });
      await expect(store.append(name, [event()], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      const error = await store.append(name, [event(), event()], { expectedRevision: 5n }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect((error as WrongExpectedRevisionError).stream).toBe(name);
      expect((error as WrongExpectedRevisionError).actual).toBe(0n);
      await expect(store.append(stream(), [event()], { expectedRevision: 0n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(name)).toHaveLength(1);
      await store.append(name, [event()], { expectedRevision: 'any' });
      expect(await store.readStream(name)).toHaveLength(2);
    });

    it(`[${adapterName}] lets exactly one of 20 racing appends at the same revision win`, async () => {
      const name = stream();
      await store.append(name, [event()], { expectedRevision: 'no-stream' });
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.append(name, [event('Raced')], { expectedRevision: 0n })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(losers).toHaveLength(19);
      for (const loser of losers) expect(loser.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(name)).toHaveLength(2);
    });

    it(`[${adapterName}] treats a retried append of stored event ids as a no-op with the original result`, async () => {
      const name = stream();
      const events = [event('A'), event('B')];
      const original = await store.append(name, events, { expectedRevision: 'no-stream' });
      const retried = await store.append(name, events, { expectedRevision: 'no-stream' });
      expect({ revision: retried.revision, position: retried.position }).toEqual(original);
      await store.append(name, [event('C')], { expectedRevision: 1n });
      // A retry after the stream moved on is still recognised by its ids.
      const late = await store.append(name, events, { expectedRevision: 'no-stream' });
      expect({ revision: late.revision, position: late.position }).toEqual(original);
      expect(await store.readStream(name)).toHaveLength(3);
    });

    it(`[${adapterName}] rejects a stored event id with other content in the same stream`, async () => {
      const name = stream();
      const original = event('A', { n: 1 });
      await store.append(name, [original], { expectedRevision: 'no-stream' });
      await expect(
        store.append(name, [{ ...original, data: { ...original.data, n: 2 } }], { expectedRevision: 'no-stream' }),
      ).rejects.toBeInstanceOf(DuplicateEventIdError);
      expect(await store.readStream(name)).toHaveLength(1);
    });

    it(`[${adapterName}] declares whether event ids are unique across streams`, () => {
      expect(store.eventIdsUniqueAcrossStreams ?? false).toBe(capabilities.eventIdsUniqueAcrossStreams);
    });

    if (capabilities.eventIdsUniqueAcrossStreams) {
      it(`[${adapterName}] rejects a stored event id in another stream`, async () => {
        const original = event('A', { n: 1 });
        await store.append(stream(), [original], { expectedRevision: 'no-stream' });
        await expect(store.append(stream(), [original], { expectedRevision: 'any' })).rejects.toBeInstanceOf(DuplicateEventIdError);
      });

      it(`[${adapterName}] appends a batch atomically: a duplicate id inside rolls back the whole batch`, async () => {
        const stored = event('A');
        await store.append(stream(), [stored], { expectedRevision: 'any' });
        const name = stream();
        await expect(store.append(name, [event('X'), stored], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(
          DuplicateEventIdError,
        );
        expect(await store.readStream(name)).toEqual([]);
        await store.append(name, [event('Y')], { expectedRevision: 'no-stream' });
        expect(await store.readStream(name)).toHaveLength(1);
      });
    } else {
      it(`[${adapterName}] scopes event ids to their stream, as its server documents`, async () => {
        const original = event('A', { n: 1 });
        const first = await store.append(stream(), [original], { expectedRevision: 'no-stream' });
        const elsewhere = await store.append(stream(), [original], { expectedRevision: 'no-stream' });
        expect(elsewhere.position > first.position).toBe(true);
      });
    }

    it(`[${adapterName}] appends a batch atomically: a failed batch leaves nothing behind`, async () => {
      const name = stream();
      await store.append(name, [event('A')], { expectedRevision: 'no-stream' });
      await expect(store.append(name, [event('X'), event('Y'), event('Z')], { expectedRevision: 7n })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      expect((await store.readStream(name)).map((e) => e.type)).toEqual(['A']);
      await store.append(name, [event('B'), event('C')], { expectedRevision: 0n });
      expect((await store.readStream(name)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
    });

    it(`[${adapterName}] reads the global log after a position, in batches, with strictly increasing positions`, async () => {
      const start = await store.headPosition();
      const names = [stream(), stream(), stream()];
      for (let i = 0; i < 30; i++) await store.append(names[i % 3]!, [event('Logged', { i })], { expectedRevision: 'any' });
      const all = await collect(store.readAll({ after: start, batchSize: 7 }));
      expect(all).toHaveLength(30);
      expect(all.map((e) => e.data.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      all.forEach((e, i) => i > 0 && expect(e.position > all[i - 1]!.position).toBe(true));
      expect(all[29]!.position).toBe(await store.headPosition());
      const tail = await collect(store.readAll({ after: all[9]!.position, limit: 5 }));
      expect(tail.map((e) => e.data.i)).toEqual([10, 11, 12, 13, 14]);
    });

    it(`[${adapterName}] subscribes: catches up, then follows live with no gap and no duplicate under concurrent appends`, async () => {
      const start = await store.headPosition();
      const names = Array.from({ length: 5 }, () => stream('sub'));
      for (let i = 0; i < 40; i++) await store.append(names[i % 5]!, [event('Before', { i })], { expectedRevision: 'any' });
      const subscription = store.subscribe({ after: start });
      const received = take(subscription, 40 + 100);
      const writers = names.map(async (name, w) => {
        for (let i = 0; i < 20; i++) await store.append(name, [event('During', { w, i })], { expectedRevision: 'any' });
      });
      await Promise.all(writers);
      const events = await received;
      await subscription.close();
      const positions = events.map((e) => e.position);
      expect(new Set(positions).size).toBe(140);
      positions.forEach((p, i) => i > 0 && expect(p > positions[i - 1]!).toBe(true));
      const log = await collect(store.readAll({ after: start }));
      expect(positions).toEqual(log.map((e) => e.position));
    });

    it(`[${adapterName}] subscribes from a position and ends iteration on close`, async () => {
      const name = stream();
      await store.append(name, [event('One'), event('Two'), event('Three')], { expectedRevision: 'no-stream' });
      const [, second] = await store.readStream(name);
      const subscription = store.subscribe({ after: second!.position });
      const [next] = await take(subscription, 1);
      expect(next!.type).toBe('Three');
      await subscription.close();
      const afterClose = await collect(subscription);
      expect(afterClose).toEqual([]);
    });

    it(`[${adapterName}] restores an exported log: streams, revisions, ids, types, data, metadata and recordedAt, in order`, async () => {
      const log = exportedLog();
      const progress: number[] = [];
      const result = await restoreLog(store, log, { batchSize: 3, onProgress: (n) => progress.push(n) });
      expect(progress).toEqual([3, 6, 7]);
      expect(result.events).toBe(7);
      const read = await collect(store.readAll());
      const withoutPositions = (events: RecordedEvent[]) => events.map(({ position: _position, ...rest }) => rest);
      expect(withoutPositions(read)).toEqual(withoutPositions(log));
      expect(read.map((e) => e.position)).toEqual([...read.map((e) => e.position)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      expect(new Set(read.map((e) => e.position)).size).toBe(read.length);
      expect(result.position).toBe(read[read.length - 1]!.position);
      if (capabilities.restoresPositions) expect(read.map((e) => e.position)).toEqual(log.map((e) => e.position));
      // The restored streams go on from where the log left them.
      const next = await store.append(log[6]!.stream, [event('After')], { expectedRevision: 3n });
      expect(next.revision).toBe(4n);
    });

    it(`[${adapterName}] refuses to restore a stream that is not at the revision before the restored event`, async () => {
      const log = exportedLog();
      await store.append(log[0]!.stream, [event()], { expectedRevision: 'no-stream' });
      await expect(restoreLog(store, log)).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(log[0]!.stream)).toHaveLength(1);
    });

    it(`[${adapterName}] tells the last event of the log`, async () => {
      if (!store.lastEvent) return expect(store.lastEvent).toBeUndefined();
      expect(await store.lastEvent()).toBeUndefined();
      const name = stream();
      await store.append(name, [event('First'), event('Last')], { expectedRevision: 'no-stream' });
      const last = await store.lastEvent();
      expect(last).toEqual(expect.objectContaining({ stream: name, type: 'Last', revision: 1n, position: await store.headPosition() }));
    });

    it(`[${adapterName}] keeps every event across a reopen`, async () => {
      if (!fixture.reopen) return expect(adapterName).toBe('in-memory'); // only the in-memory adapter has no durable storage
      const name = stream();
      const written = await store.append(name, [event('Durable'), event('Durable')], { expectedRevision: 'no-stream' });
      store = await fixture.reopen();
      const read = await store.readStream(name);
      expect(read).toHaveLength(2);
      expect(await store.headPosition()).toBe(written.position);
      const next = await store.append(name, [event('After')], { expectedRevision: 1n });
      expect(next.position > written.position).toBe(true);
    });
  });
}
