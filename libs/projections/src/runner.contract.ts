import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { developmentStream, type EventStore } from '@annals/application';
import { InMemoryEventStore } from '@annals/event-store';
import type { ReadDatabase } from '@annals/read-store';
import { ALL_PROJECTIONS } from './index';
import { ProjectionRunner } from './projection-runner';
import type { ReadStoreFixture } from './read-store.contract';

const meta = (recordedAt: string) => ({ recordedAt, schemaVersion: 1, actor: 'test', correlationId: 'c', causationId: 'c' });

async function meeting(store: EventStore, title: string, countries = ['CN', 'RU']) {
  const id = randomUUID();
  const data = { developmentId: id, occurredOn: '2024-05-01', title, participants: countries.map((country) => ({ name: 'L', country })) };
  const result = await store.append(
    developmentStream(id),
    [{ eventId: randomUUID(), type: 'MeetingHeld', data, metadata: meta('2024-02-01T00:00:00.000Z') }],
    {
      expectedRevision: 'no-stream',
    },
  );
  return { id, ...result };
}

const digestsOf = async (runner: ProjectionRunner) => Object.fromEntries((await runner.statuses()).map((s) => [s.name, s.digest]));

/** The runner's own mechanisms (digests, log identity, versions), written once and run for every read-store adapter. */
export function describeRunnerContract(adapterName: string, open: () => Promise<ReadStoreFixture>): void {
  describe(`projection runner contract: ${adapterName}`, () => {
    let fixture: ReadStoreFixture;
    let read: ReadDatabase;
    let store: InMemoryEventStore;
    let runner: ProjectionRunner;

    const started = async (projections = ALL_PROJECTIONS, on: EventStore = store) => {
      const r = new ProjectionRunner(on, read, projections);
      await r.init();
      r.start();
      return r;
    };
    const caughtUp = async (r: ProjectionRunner, on: EventStore = store) =>
      expect(await r.waitFor(await on.headPosition(), 10_000)).toBe(true);

    beforeEach(async () => {
      fixture = await open();
      read = fixture.read;
      store = new InMemoryEventStore();
      runner = await started();
    });
    afterEach(async () => {
      await runner.stop();
      await store.close();
      await fixture.cleanup();
    });

    it(`[${adapterName}] keeps each digest in step with the rows, whoever writes them`, async () => {
      await meeting(store, 'one');
      await caughtUp(runner);
      const before = await digestsOf(runner);
      // A row written behind the projections' back moves the digest at once; taking it out restores it.
      await sql`INSERT INTO organizations (code, name, wikidata_id, recorded_from, position) VALUES ('ZZZ', 'Stray', NULL, 1, 1)`.execute(
        read.db,
      );
      const strayed = await digestsOf(runner);
      expect(strayed.organizations).not.toBe(before.organizations);
      expect(strayed.developments).toBe(before.developments);
      await sql`UPDATE organizations SET name = 'Stray again' WHERE code = 'ZZZ'`.execute(read.db);
      expect((await digestsOf(runner)).organizations).not.toBe(strayed.organizations);
      await sql`DELETE FROM organizations WHERE code = 'ZZZ'`.execute(read.db);
      expect(await digestsOf(runner)).toEqual(before);
      // A new development changes the developments digest.
      await meeting(store, 'two');
      await caughtUp(runner);
      expect((await digestsOf(runner)).developments).not.toBe(before.developments);
    });

    it(`[${adapterName}] answers a digest as a lookup, the same one a full scan of the rows gives`, async () => {
      for (let i = 0; i < 20; i++) await meeting(store, `m${i}`);
      await caughtUp(runner);
      const results = await runner.verify();
      for (const result of results) expect([result.name, result.scanned, result.rebuilt]).toEqual([result.name, result.live, result.live]);
    });

    it(`[${adapterName}] initialises the digests of views kept before digests were (once, from their rows)`, async () => {
      await meeting(store, 'kept');
      await caughtUp(runner);
      const before = await digestsOf(runner);
      await runner.stop();
      // An older views database: no digest state, no triggers.
      await sql`DROP TABLE view_digests`.execute(read.db);
      for (const table of ['dev_versions', 'dev_timeline', 'dev_history']) {
        if (read.dialect === 'sqlite') for (const op of ['i', 'u', 'd']) await sql.raw(`DROP TRIGGER dg_${table}_${op}`).execute(read.db);
        else for (const op of ['INSERT', 'UPDATE', 'DELETE']) await sql.raw(`DROP TRIGGER dg_t_${op} ON ${table}`).execute(read.db);
      }
      runner = await started();
      expect(await digestsOf(runner)).toEqual(before);
      await meeting(store, 'after');
      await caughtUp(runner);
      expect((await runner.verify()).every((r) => r.equal)).toBe(true);
    });

    it(`[${adapterName}] verify reports a view row changed behind the projections' back`, async () => {
      await meeting(store, 'honest');
      await caughtUp(runner);
      await sql`UPDATE dev_versions SET entry = 'tampered'`.execute(read.db);
      const developments = (await runner.verify()).find((r) => r.name === 'developments')!;
      expect(developments.equal).toBe(false);
      expect(developments.live).not.toBe(developments.rebuilt);
    });

    it(`[${adapterName}] a rebuild carries the rebuilt tables' digests into place: equal, and still maintained afterwards`, async () => {
      for (let i = 0; i < 10; i++) await meeting(store, `r${i}`);
      await caughtUp(runner);
      const before = await digestsOf(runner);
      await runner.rebuild(['developments']);
      expect(await digestsOf(runner)).toEqual(before);
      await meeting(store, 'after the swap');
      await caughtUp(runner);
      expect((await digestsOf(runner)).developments).not.toBe(before.developments);
      expect((await runner.verify()).every((r) => r.equal)).toBe(true);
    });
  });
}
