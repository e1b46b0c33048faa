import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  KurrentDBClient,
  START,
  STREAM_EXISTS,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
} from '@kurrent/kurrentdb-client';
import { DuplicateEventIdError, WrongExpectedRevisionError, type NewEvent, type RecordedEvent } from '@annals/application';
import { startKurrentDbDouble, type KurrentDbDouble } from '../../../../test/support/kurrentdb-double';
import { KurrentDbEventStore } from './kurrentdb.event-store';

/**
 * Adapter-specific behaviour, run with the real client against the in-process gRPC double (the shared contract
 * runs in kurrentdb.event-store.contract.spec.ts). The double is needed here: it can drop subscriptions.
 */

const event = (type = 'Happened', data: Record<string, unknown> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data: { ...data },
  metadata: { recordedAt: '2024-05-01T10:00:00.000Z' },
});
const streamName = (prefix = 'kdb') => `${prefix}-${randomUUID()}`;

const collect = async (iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for await (const recorded of iterable) all.push(recorded);
  return all;
};

/** Pulls `count` events without ending the iteration, failing after `timeoutMs`. */
const pull = async (iterator: AsyncIterator<RecordedEvent>, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> => {
  const pulled: RecordedEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`only ${pulled.length} of ${count} events arrived`)), timeoutMs);
  });
  const run = (async () => {
    while (pulled.length < count) {
      const next = await iterator.next();
      if (next.done) throw new Error(`iteration ended after ${pulled.length} of ${count} events`);
      pulled.push(next.value);
    }
    return pulled;
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const expectStrictlyIncreasing = (positions: readonly bigint[]) =>
  positions.forEach((position, index) => index > 0 && expect(position > positions[index - 1]!).toBe(true));

describe('KurrentDbEventStore (kurrentdb) over real gRPC against the KurrentDB double', () => {
  let double: KurrentDbDouble;
  let store: KurrentDbEventStore;
  /** The raw client, for what the port cannot express (stream_exists, writing system events). */
  let client: KurrentDBClient;

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    store = new KurrentDbEventStore({ connectionString: double.url, resubscribe: { initialDelayMs: 20, maxDelayMs: 160 } });
    client = KurrentDBClient.connectionString(double.url);
  });
  afterAll(async () => {
    await store.close();
    await client.dispose();
    await double.stop();
  });

  it('kurrentdb: keeps revision order per stream and one global order across streams', async () => {
    const start = await store.headPosition();
    const [a, b] = [streamName(), streamName()];
    const results = [
      await store.append(a, [event('A0'), event('A1')], { expectedRevision: 'no-stream' }),
      await store.append(b, [event('B0')], { expectedRevision: 'no-stream' }),
      await store.append(a, [event('A2')], { expectedRevision: 1n }),
      await store.append(b, [event('B1'), event('B2'), event('B3')], { expectedRevision: 0n }),
    ];
    expect(results.map((result) => result.revision)).toEqual([1n, 0n, 2n, 3n]);

    const streamA = await store.readStream(a);
    expect(streamA.map((e) => [e.type, e.revision])).toEqual([
      ['A0', 0n],
      ['A1', 1n],
      ['A2', 2n],
    ]);
    expect(streamA[2]!.position).toBe(results[2]!.position);
    expect((await store.readStream(b, { fromRevision: 2n })).map((e) => e.type)).toEqual(['B2', 'B3']);

    const log = await collect(store.readAll({ after: start }));
    expect(log.map((e) => e.type)).toEqual(['A0', 'A1', 'B0', 'A2', 'B1', 'B2', 'B3']);
    expectStrictlyIncreasing(log.map((e) => e.position));
    expect(log.at(-1)!.position).toBe(results[3]!.position);
    expect(log[0]!.recordedAt).toBe('2024-05-01T10:00:00.000Z');
  });

  it('kurrentdb: rejects a wrong expected revision in every mode and writes nothing', async () => {
    const name = streamName();
    await store.append(name, [event()], { expectedRevision: 'no-stream' });
    const rejection = (expectedRevision: 'no-stream' | bigint, stream = name) =>
      store.append(stream, [event()], { expectedRevision }).then(
        () => undefined,
        (error: unknown) => error,
      );

    const noStream = await rejection('no-stream');
    expect(noStream).toBeInstanceOf(WrongExpectedRevisionError);
    expect(noStream).toMatchObject({ stream: name, expected: 'no-stream', actual: 0n });
    expect(await rejection(4n)).toMatchObject({ expected: 4n, actual: 0n });
    const missing = streamName('missing');
    expect(await rejection(0n, missing)).toMatchObject({ stream: missing, expected: 0n, actual: 'no-stream' });

    await store.append(name, [event()], { expectedRevision: 'any' });
    expect(await rejection(0n)).toMatchObject({ expected: 0n, actual: 1n }); // stale, and the ids are new
    expect(await store.readStream(name)).toHaveLength(2);
    expect(await store.readStream(missing)).toEqual([]);
  });

  it('kurrentdb: the double refuses stream_exists on a missing stream, as the server does', async () => {
    const name = streamName();
    const data = () => jsonEvent({ type: 'Probe', data: {} });
    const refused = await client.appendToStream(name, data(), { streamState: STREAM_EXISTS }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(WrongExpectedVersionError);
    expect(refused).toMatchObject({ expectedState: 'stream_exists', actualState: 'no_stream' });
    await client.appendToStream(name, data());
    expect((await client.appendToStream(name, data(), { streamState: STREAM_EXISTS })).nextExpectedRevision).toBe(1n);
  });

  it('kurrentdb: the double serves backward, counted and filtered reads as the server does', async () => {
    const name = streamName();
    const appended = await client.appendToStream(
      name,
      ['E0', 'E1', 'E2'].map((type) => jsonEvent({ type, data: {} })),
    );
    const types = async (reading: AsyncIterable<{ event?: { type: string } }>) => {
      const read: string[] = [];
      for await (const resolved of reading) read.push(resolved.event!.type);
      return read;
    };
    expect(await types(client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 2 }))).toEqual(['E2', 'E1']);
    expect(await types(client.readStream(name, { fromRevision: 1n, maxCount: 1 }))).toEqual(['E1']);
    const at = appended.position!;
    // $all reads start at a position going forwards (inclusive) and before it going backwards (exclusive).
    expect(await types(client.readAll({ fromPosition: at, maxCount: 1 }))).toEqual(['E2']);
    expect(await types(client.readAll({ fromPosition: at, direction: BACKWARDS, maxCount: 2 }))).toEqual(['E1', 'E0']);
    const fromStart = await types(client.readAll({ maxCount: 2 }));
    expect(fromStart.every((type) => type.startsWith('$'))).toBe(true); // a fresh node holds system events first
    expect(await types(client.readAll({ maxCount: 2, filter: excludeSystemEvents() }))).not.toContain(fromStart[0]);

    // A filtered subscription reports progress over filtered-out events with checkpoints.
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: excludeSystemEvents({ checkpointReached: (_subscription, position) => void checkpoints.push(position.commit) }),
    });
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    await subscription.unsubscribe();
    for await (const last of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      expect(checkpoints.at(-1)).toBe(last.event!.position.commit); // the last event of the log, system or not
    }
  });

  it('kurrentdb: answers a retried append with the original result and writes nothing', async () => {
    const name = streamName();
    const start = await store.headPosition();
    const first = [event('A'), event('B')];
    const original = await store.append(name, first, { expectedRevision: 'no-stream' });
    const next = [event('C')];
    const originalNext = await store.append(name, next, { expectedRevision: 1n });
    await store.append(name, [event('D')], { expectedRevision: 2n });

    // The server recognises ids at the revisions the expected revision points to, even after the stream moved on.
    expect(await store.append(name, first, { expectedRevision: 'no-stream' })).toEqual(original);
    expect(await store.append(name, next, { expectedRevision: 1n })).toEqual(originalNext);
    expect(await store.append(name, next, { expectedRevision: 'any' })).toEqual(originalNext);
    expect(await store.readStream(name)).toHaveLength(4);
    expect(await collect(store.readAll({ after: start }))).toHaveLength(4);

    // The server compares ids only; the adapter catches the same id with other content.
    const changed = { ...next[0]!, data: { changed: true } };
    await expect(store.append(name, [changed], { expectedRevision: 1n })).rejects.toBeInstanceOf(DuplicateEventIdError);
    // A batch that only starts like a stored one is neither a retry nor a valid append.
    await expect(store.append(name, [next[0]!, event('E')], { expectedRevision: 1n })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(await store.readStream(name)).toHaveLength(4);
  });

  it('kurrentdb: reads and follows $all after a position, skipping system events', async () => {
    const start = await store.headPosition();
    const name = streamName();
    const system = jsonEvent({ type: '$statsCollected', data: {} });
    await store.append(name, [event('One')], { expectedRevision: 'any' });
    await client.appendToStream(name, system); // a `$` type in a user stream
    await store.append(name, [event('Two'), event('Three')], { expectedRevision: 'any' });
    await client.appendToStream(`$projections-${randomUUID()}`, jsonEvent({ type: 'ProjectionUpdated', data: {} })); // a `$` stream
    await store.append(name, [event('Four')], { expectedRevision: 'any' });
    await client.appendToStream(name, system);

    const log = await collect(store.readAll({ after: start, batchSize: 2 }));
    expect(log.map((e) => e.type)).toEqual(['One', 'Two', 'Three', 'Four']);
    expect((await collect(store.readAll({ after: log[0]!.position, limit: 2 }))).map((e) => e.type)).toEqual(['Two', 'Three']);
    expect(await collect(store.readAll({ after: log[3]!.position }))).toEqual([]);
    expect(await store.headPosition()).toBe(log[3]!.position); // the system event after it does not count
    const subscription = store.subscribe({ after: start });
    expect((await pull(subscription[Symbol.asyncIterator](), 4)).map((e) => e.type)).toEqual(['One', 'Two', 'Three', 'Four']);
    await subscription.close();
  });

  it('kurrentdb: without metadata.recordedAt, uses the commit time, equal on the read and subscribe paths', async () => {
    const start = await store.headPosition();
    const before = Date.now();
    await store.append(streamName(), [{ ...event('Untimed'), metadata: {} }], { expectedRevision: 'any' });
    const [read] = await collect(store.readAll({ after: start }));
    const subscription = store.subscribe({ after: start });
    const [followed] = await pull(subscription[Symbol.asyncIterator](), 1);
    await subscription.close();
    expect(followed!.recordedAt).toBe(read!.recordedAt);
    expect(Date.parse(read!.recordedAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(read!.recordedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('kurrentdb: hands over from catch-up to live under concurrent appends with no gap and no duplicate', async () => {
    const start = await store.headPosition();
    const streams = Array.from({ length: 4 }, () => streamName('live'));
    for (let i = 0; i < 20; i++) await store.append(streams[i % 4]!, [event('Before', { i })], { expectedRevision: 'any' });
    const subscription = store.subscribe({ after: start });
    const received = pull(subscription[Symbol.asyncIterator](), 20 + 4 * 15);
    await Promise.all(
      streams.map(async (name, writer) => {
        for (let i = 0; i < 15; i++) await store.append(name, [event('During', { writer, i })], { expectedRevision: 'any' });
      }),
    );
    const events = await received;
    await subscription.close();
    expect(events.map((e) => e.position)).toEqual((await collect(store.readAll({ after: start }))).map((e) => e.position));
  });

  it('kurrentdb: resubscribes from the last delivered position after the server drops subscriptions', async () => {
    const start = await store.headPosition();
    const name = streamName('dropped');
    const append = async (count: number) => {
      for (let i = 0; i < count; i++) await store.append(name, [event('Kept', { i })], { expectedRevision: 'any' });
    };
    await append(60);
    const subscription = store.subscribe({ after: start });
    const iterator = subscription[Symbol.asyncIterator]();
    const beforeDrop = await pull(iterator, 25);

    double.dropSubscriptions(); // in the middle of the catch-up, with events still in flight
    await append(5); // written while no subscription is open
    double.dropSubscriptions(); // dropped again, possibly before the resubscription: the backoff grows
    await append(5);
    const afterDrops = await pull(iterator, 35 + 10);
    double.dropSubscriptions(); // now live
    const live = pull(iterator, 1);
    await append(1);
    const all = [...beforeDrop, ...afterDrops, ...(await live)];
    await subscription.close();

    const log = await collect(store.readAll({ after: start }));
    expect(all.map((e) => e.position)).toEqual(log.map((e) => e.position));
    const counting = (count: number) => Array.from({ length: count }, (_, i) => i);
    expect(all.map((e) => e.data.i)).toEqual([...counting(60), ...counting(5), ...counting(5), 0]);
  });

  it('kurrentdb: close ends a waiting subscription and disposes the client', async () => {
    const own = new KurrentDbEventStore({ connectionString: double.url });
    const subscription = own.subscribe({ after: await own.headPosition() });
    const waiting = subscription[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the subscription reach the server
    await own.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await collect(subscription)).toEqual([]);
  });

  it('kurrentdb: ping answers true while the server runs and false once it is gone', async () => {
    const other = await startKurrentDbDouble();
    const own = new KurrentDbEventStore({ connectionString: other.url, pingTimeoutMs: 1_000 });
    expect(await own.ping()).toBe(true);
    await other.stop();
    expect(await own.ping()).toBe(false);
    await own.close();
  });
});
