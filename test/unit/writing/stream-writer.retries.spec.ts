import { WrongExpectedRevisionError, organizationStream, developmentStream } from '@annals/application';
import { DomainError, type Development } from '@annals/domain';
import { ObservedStore, approval, context, meeting, writeSide } from './write-pipeline.support';

const SCO = organizationStream('SCO');

const refusal = async (write: Promise<unknown>): Promise<string | undefined> => {
  try {
    await write;
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
};

describe('StreamWriter: caching and retries, with the real deciders', () => {
  it("keeps an organization's state between writes: each write reads only what was appended since", async () => {
    const store = new ObservedStore();
    const { register, record, writer, planner } = writeSide(store);
    await register('SCO');
    for (const [index, country] of ['BY', 'IN', 'PK'].entries()) await record(`a${index}`, approval('SCO', country, '2024-07-04'));
    // Each catch-up starts after the last revision this writer knows, and finds nothing new: its own events were
    // evolved in without being read back.
    expect(store.catchUpsOf(SCO).map(({ fromRevision, returned }) => ({ fromRevision, returned }))).toEqual([
      { fromRevision: 0n, returned: 0 },
      { fromRevision: 1n, returned: 0 },
      { fromRevision: 2n, returned: 0 },
      { fromRevision: 3n, returned: 0 },
    ]);
    // The cached state judges the next write: BY is a member already.
    expect(await refusal(record('a9', approval('SCO', 'BY', '2025-01-01')))).toBe('MEMBERSHIP_ALREADY_ACTIVE');
    const loaded = await writer.load(
      await planner.record({ developmentId: 'x', development: approval('SCO', 'CN', '2025'), context, clientId: false }),
    );
    expect(loaded.revision).toBe(3n);
  });

  it('after a conflicting append from another process, reads just the new event and decides again', async () => {
    const store = new ObservedStore();
    const mine = writeSide(store);
    const theirs = writeSide(store);
    await mine.register('SCO');
    await mine.record('a1', approval('SCO', 'BY', '2024-07-04'));
    await theirs.writer.load(
      await theirs.planner.record({ developmentId: 'x', development: approval('SCO', 'KZ', '2001'), context, clientId: false }),
    );
    store.forget();
    // Between my decision and my append, the other process approves IN.
    store.beforeNextAppend(() => theirs.record('t1', approval('SCO', 'IN', '2017-06-09')));
    const result = await mine.record('a2', approval('SCO', 'PK', '2017-06-09'));
    expect(store.appends.filter((append) => append.stream === SCO)).toEqual([
      { stream: SCO, events: 1, expectedRevision: 1n },
      { stream: SCO, events: 1, expectedRevision: 1n, refused: 'WrongExpectedRevisionError' },
      { stream: SCO, events: 1, expectedRevision: 2n },
    ]);
    // The second attempt read one event: the other process's.
    expect(store.catchUpsOf(SCO).slice(-1)).toEqual([{ stream: SCO, fromRevision: 2n, limit: 1000, returned: 1 }]);
    expect(result).toMatchObject({ developmentId: 'a2', revision: 3, created: true });
  });

  it("decides again on the other process's event: a write it made invalid is refused, appending nothing", async () => {
    const store = new ObservedStore();
    const mine = writeSide(store);
    const theirs = writeSide(store);
    await mine.register('SCO');
    await theirs.writer.load(
      await theirs.planner.record({ developmentId: 'x', development: approval('SCO', 'KZ', '2001'), context, clientId: false }),
    );
    store.beforeNextAppend(() => theirs.record('t1', approval('SCO', 'BY', '2024-07-04')));
    expect(await refusal(mine.record('a1', approval('SCO', 'BY', '2024-07-05')))).toBe('MEMBERSHIP_ALREADY_ACTIVE');
    expect((await store.readStream(SCO)).map((event) => event.data.developmentId)).toEqual(['organization-SCO', 't1']);
  });

  it('lets racing writers of one process take turns on a stream: no append ever conflicts', async () => {
    const store = new ObservedStore();
    const { register, record } = writeSide(store);
    await register('SCO');
    const countries = ['BY', 'CN', 'IN', 'IR', 'KG', 'KZ', 'PK', 'RU', 'TJ', 'UZ'];
    const results = await Promise.all(countries.map((country, index) => record(`a${index}`, approval('SCO', country, '2024-07-04'))));
    expect(results.map((result) => result.revision).sort((a, b) => a - b)).toEqual(countries.map((_, index) => index + 1));
    expect(store.appends.filter((append) => append.refused)).toEqual([]);
    // Racing for one membership: one wins, the others are judged on its event, never on a stale state.
    const race = await Promise.all(['r1', 'r2', 'r3'].map((id) => refusal(record(id, approval('SCO', 'AZ', '2025-01-01')))));
    expect(race.sort()).toEqual(['MEMBERSHIP_ALREADY_ACTIVE', 'MEMBERSHIP_ALREADY_ACTIVE', undefined]);
    expect(store.appends.filter((append) => append.refused)).toEqual([]);
  });

  describe("a new development's own stream, presumed new", () => {
    it('is not read before its recording is appended', async () => {
      const store = new ObservedStore();
      const { record } = writeSide(store);
      const result = await record('m1', meeting('Talks in Astana'));
      expect(store.reads.filter((read) => read.stream === developmentStream('m1'))).toEqual([]);
      expect(store.appends).toEqual([{ stream: developmentStream('m1'), events: 1, expectedRevision: 'no-stream' }]);
      expect(result).toMatchObject({ developmentId: 'm1', kind: 'meeting', revision: 0, created: true });
    });

    it('answers a retry of the same recording as the first write, created: false — in this process or another', async () => {
      const store = new ObservedStore();
      const talks = meeting('Talks in Astana');
      const first = await writeSide(store).record('m1', talks);
      for (const side of [writeSide(store), writeSide(store)]) {
        const again = await side.record('m1', talks);
        expect(again).toEqual({ ...first, created: false });
        expect(await side.record('m1', talks)).toEqual({ ...first, created: false });
      }
      expect(await store.readStream(developmentStream('m1'))).toHaveLength(1);
    });

    it('refuses the same id with other content, or for another kind, as IDEMPOTENCY_CONFLICT, after reading the stream', async () => {
      const store = new ObservedStore();
      await writeSide(store).record('m1', meeting('Talks in Astana'));
      const later = writeSide(store);
      store.forget();
      expect(await refusal(later.record('m1', meeting('Other talks')))).toBe('IDEMPOTENCY_CONFLICT');
      expect(store.appends.map((append) => append.refused)).toEqual(['DuplicateEventIdError']);
      expect(store.catchUpsOf(developmentStream('m1'))).toEqual([
        { stream: developmentStream('m1'), fromRevision: 0n, limit: 1000, returned: 1 },
      ]);
      const summit: Development = {
        kind: 'summit',
        content: { occurredOn: '2024-07-03', title: 'SCO summit', organization: 'SCO', host: 'KZ' },
      };
      const third = writeSide(store);
      await third.register('SCO');
      expect(await refusal(third.record('m1', summit))).toBe('IDEMPOTENCY_CONFLICT');
      expect(await store.readStream(developmentStream('m1'))).toHaveLength(1);
    });

    it('reads and decides again when the stream exists under other event ids (an older log)', async () => {
      const store = new ObservedStore();
      const talks = meeting('Talks in Astana');
      await store.append(
        developmentStream('m1'),
        [
          {
            eventId: '0b3f9f3e-8d52-4a39-9b0e-2b2d3f0c6a11',
            type: 'MeetingHeld',
            data: { developmentId: 'm1', ...talks.content },
            metadata: {},
          },
        ],
        { expectedRevision: 'no-stream' },
      );
      const side = writeSide(store);
      expect(await side.record('m1', talks)).toMatchObject({
        eventId: '0b3f9f3e-8d52-4a39-9b0e-2b2d3f0c6a11',
        revision: 0,
        created: false,
      });
      expect(await refusal(writeSide(store).record('m1', meeting('Other talks')))).toBe('IDEMPOTENCY_CONFLICT');
      expect(store.appends.map((append) => append.refused)).toEqual([
        undefined,
        'WrongExpectedRevisionError',
        'WrongExpectedRevisionError',
      ]);
    });
  });

  it("refuses an id already used in another stream: the store's DuplicateEventIdError is IDEMPOTENCY_CONFLICT", async () => {
    const store = new ObservedStore();
    await writeSide(store).record('x1', meeting('Talks in Astana'));
    // Another process that never saw x1: neither its memory nor the views stop it before the append.
    const other = writeSide(store);
    await other.register('SCO');
    const plan = await other.planner.record({
      developmentId: 'x1',
      development: approval('SCO', 'BY', '2024-07-04'),
      context,
      clientId: false,
    });
    const outcome = other.writer.execute(plan);
    await expect(outcome).rejects.toThrow(DomainError);
    expect(await refusal(outcome)).toBe('IDEMPOTENCY_CONFLICT');
    expect(store.appends.at(-1)?.refused).toBe('DuplicateEventIdError');
    expect(await store.readStream(SCO)).toHaveLength(1);
  });

  it('gives up after its attempts when another process wins every time, with the conflict', async () => {
    const store = new ObservedStore();
    const mine = writeSide(store);
    const theirs = writeSide(store);
    await mine.register('SCO');
    // Each of its 40 attempts is overtaken by another approval (the countries need not be real for the decider).
    for (let index = 0; index < 40; index++) store.beforeNextAppend(() => theirs.record(`t${index}`, approval('SCO', `X${index}`, '2024')));
    await expect(mine.record('a1', approval('SCO', 'CN', '2001'))).rejects.toBeInstanceOf(WrongExpectedRevisionError);
  });
});
