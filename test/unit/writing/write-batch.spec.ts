import { developmentStream, organizationStream } from '@annals/application';
import type { Development } from '@annals/domain';
import { ObservedStore, approval, context, meeting, writeSide } from './write-pipeline.support';

const SCO = organizationStream('SCO');
const BRICS = organizationStream('BRICS');

/** A process with SCO and BRICS registered, and a batch opened on its writer. */
async function importing(store = new ObservedStore()) {
  const side = writeSide(store);
  await side.register('SCO');
  await side.register('BRICS');
  store.forget();
  const batch = side.writer.batch();
  // The answer stays wrapped: an async function returning it would wait for the commit.
  const add = async (developmentId: string, development: Development) =>
    batch.add(await side.planner.record({ developmentId, development, context, clientId: false }));
  return { ...side, store, batch, add };
}

describe('WriteBatch (bulk import)', () => {
  it('judges each command against the earlier ones of the batch, before anything is stored', async () => {
    const { store, batch, add } = await importing();
    const joined = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    // The second approval of the same member is refused: the first is in the batch's state, not yet in the store.
    await expect(add('a2', approval('SCO', 'BY', '2024-09-01'))).rejects.toMatchObject({ code: 'MEMBERSHIP_ALREADY_ACTIVE' });
    // The refusal leaves nothing behind: an ending of the membership the batch approved is judged valid.
    const left = (
      await add('e1', {
        kind: 'membership-ending',
        content: { occurredOn: '2025', title: 'BY leaves', organization: 'SCO', country: 'BY', reason: 'withdrawal' },
      })
    ).answer;
    expect(await store.readStream(SCO)).toHaveLength(1);
    await batch.commit();
    expect(await joined).toMatchObject({ developmentId: 'a1', revision: 1, created: true });
    expect(await left).toMatchObject({ developmentId: 'e1', revision: 2, created: true });
    expect((await store.readStream(SCO)).map((event) => event.type)).toEqual([
      'OrganizationRegistered',
      'MembershipApproved',
      'MembershipEnded',
    ]);
  });

  it("appends each stream's share in one call, expecting the stream's revision before the batch", async () => {
    const { store, batch, add } = await importing();
    const answers = [
      (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer,
      (await add('m1', meeting('Talks in Astana'))).answer,
      (await add('b1', approval('BRICS', 'EG', '2024-01-01'))).answer,
      (await add('a2', approval('SCO', 'IR', '2023-07-04'))).answer,
      (await add('b2', approval('BRICS', 'ET', '2024-01-01'))).answer,
      (await add('a3', approval('SCO', 'IN', '2017-06-09'))).answer,
    ];
    expect(batch.size).toBe(6);
    await batch.commit();
    expect(store.appends).toEqual([
      { stream: SCO, events: 3, expectedRevision: 0n },
      { stream: developmentStream('m1'), events: 1, expectedRevision: 'no-stream' },
      { stream: BRICS, events: 2, expectedRevision: 0n },
    ]);
    const results = await Promise.all(answers);
    expect(results.map(({ developmentId, stream, revision }) => [developmentId, stream, revision])).toEqual([
      ['a1', SCO, 1],
      ['m1', developmentStream('m1'), 0],
      ['b1', BRICS, 1],
      ['a2', SCO, 2],
      ['b2', BRICS, 2],
      ['a3', SCO, 3],
    ]);
  });

  it('answers a command already carried out, before the batch or earlier in it, with the original write', async () => {
    const { batch, add, record } = await importing();
    const joins = approval('SCO', 'BY', '2024-07-04');
    const before = await record('a1', joins);
    const again = (await add('a1', joins)).answer;
    const talks = meeting('Talks in Astana');
    const first = (await add('m1', talks)).answer;
    const twice = (await add('m1', talks)).answer;
    await batch.commit();
    expect(await again).toEqual({ ...before, created: false });
    expect(await twice).toEqual({ ...(await first), created: false });
  });

  it('judges again, alone and in order, the commands of a stream another process wrote to meanwhile, and commits the others', async () => {
    const store = new ObservedStore();
    const { batch, add, record } = await importing(store);
    const other = writeSide(store);
    const joins = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    const clashes = (await add('a2', approval('SCO', 'PK', '2019-01-01'))).answer;
    const unaffected = (await add('b1', approval('BRICS', 'EG', '2024-01-01'))).answer;
    await other.record('t1', approval('SCO', 'PK', '2017-06-09'));
    await batch.commit();
    // Against the stream as stored: BY's approval comes after the other process's, PK's is now a second one.
    expect(await joins).toMatchObject({ developmentId: 'a1', revision: 2, created: true });
    await expect(clashes).rejects.toMatchObject({ code: 'MEMBERSHIP_ALREADY_ACTIVE' });
    expect(await unaffected).toMatchObject({ developmentId: 'b1', created: true });
    expect((await store.readStream(SCO)).map((event) => event.data.developmentId)).toEqual(['organization-SCO', 't1', 'a1']);
    // The batch's speculative state was dropped: later writes see every stored event.
    await expect(record('t2', approval('SCO', 'PK', '2020-01-01'))).rejects.toMatchObject({ code: 'MEMBERSHIP_ALREADY_ACTIVE' });
    expect(await record('a3', approval('SCO', 'IN', '2017-06-09'))).toMatchObject({ revision: 3, created: true });
  });

  it('refuses a new development whose id turns out used with other content, and commits the others', async () => {
    const store = new ObservedStore();
    const { batch, add, record } = await importing(store);
    const answer = (await add('m1', meeting('Talks in Astana'))).answer;
    const unaffected = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    await writeSide(store).record('m1', meeting('Other talks'));
    await batch.commit();
    // Judged again alone, the recording is refused for what it is: the id holds another meeting.
    await expect(answer).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await unaffected).toMatchObject({ created: true });
    await expect(record('m1', meeting('Talks in Astana'))).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('answers a line imported again (its stream presumed new holds these very events) as already recorded', async () => {
    const store = new ObservedStore();
    const first = await importing(store);
    const talks = meeting('Talks in Astana');
    const recorded = (await first.add('m1', talks)).answer;
    await first.batch.commit();
    // Another process (a fresh writer: nothing cached) imports the same line.
    const other = writeSide(store);
    const again = other.writer.batch();
    const { answer } = await again.add(await other.planner.record({ developmentId: 'm1', development: talks, context, clientId: false }));
    await again.commit();
    expect(await answer).toEqual({ ...(await recorded), created: false });
    expect(await store.readStream(developmentStream('m1'))).toHaveLength(1);
  });

  it('lets the next batch decide while it commits; on a stream of both, after the commit', async () => {
    const { batch, add, writer, planner, store } = await importing();
    const joined = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    const committing = batch.commit();
    const next = writer.batch();
    const plan = (developmentId: string, development: Development) =>
      planner.record({ developmentId, development, context, clientId: false });
    const talks = (await next.add(await plan('m1', meeting('Talks in Astana')))).answer;
    // Judged against the first batch's approval, once it is committed.
    await expect(next.add(await plan('a2', approval('SCO', 'BY', '2024-09-01')))).rejects.toMatchObject({
      code: 'MEMBERSHIP_ALREADY_ACTIVE',
    });
    const ends = (
      await next.add(
        await plan('e1', {
          kind: 'membership-ending',
          content: { occurredOn: '2025', title: 'BY leaves', organization: 'SCO', country: 'BY', reason: 'withdrawal' },
        }),
      )
    ).answer;
    await committing;
    await next.commit();
    expect(await joined).toMatchObject({ revision: 1, created: true });
    expect(await ends).toMatchObject({ revision: 2, created: true });
    expect(await talks).toMatchObject({ created: true });
    expect(store.appends).toEqual([
      { stream: SCO, events: 1, expectedRevision: 0n },
      { stream: developmentStream('m1'), events: 1, expectedRevision: 'no-stream' },
      { stream: SCO, events: 1, expectedRevision: 1n },
    ]);
  });

  it('lets other writers of its streams wait for the commit, and keeps them from seeing its undecided state', async () => {
    const { batch, add, record, store } = await importing();
    const joined = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    const single = record('a2', approval('SCO', 'BY', '2024-09-01'));
    // The single write waits for the stream: nothing has been appended, so it cannot have been judged yet.
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.appends).toEqual([]);
    await batch.commit();
    expect(await joined).toMatchObject({ created: true });
    await expect(single).rejects.toMatchObject({ code: 'MEMBERSHIP_ALREADY_ACTIVE' });
  });

  it('abandoned, appends nothing and lets the streams go', async () => {
    const { batch, add, record, store } = await importing();
    const answer = (await add('a1', approval('SCO', 'BY', '2024-07-04'))).answer;
    batch.abandon(new Error('import stopped'));
    await expect(answer).rejects.toThrow('import stopped');
    expect(await record('a2', approval('SCO', 'BY', '2024-09-01'))).toMatchObject({ revision: 1, created: true });
    expect(store.appends).toEqual([{ stream: SCO, events: 1, expectedRevision: 0n }]);
  });
});
