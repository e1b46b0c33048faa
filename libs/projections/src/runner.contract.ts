import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { developmentStream, type EventStore } from '@annals/application';
import { InMemoryEventStore } from '@annals/event-store';
import { KyselyReadStore, type ReadDatabase } from '@annals/read-store';
import { developmentsProjection } from './developments.projection';
import { ALL_PROJECTIONS } from './index';
import type { Projection } from './projection';
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
      await sql`UPDATE dev_versions SET content = '{"title":"tampered"}'`.execute(read.db);
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
    const titles = async (code = 'RU') =>
      (
        await new KyselyReadStore(read.db, read.dialect).timeline({
          scope: { type: 'country', code },
          limit: 50,
          order: 'asc',
          includeRetracted: false,
        })
      ).items.map((i) => i.title);
    const upgradedProjections = (changed: Projection) => ALL_PROJECTIONS.map((p) => (p.name === changed.name ? changed : p));
    const checkpoint = async (name: string) => {
      const { rows } = await sql<{
        position: unknown;
        version: unknown;
      }>`SELECT position, version FROM projection_checkpoints WHERE name = ${name}`.execute(read.db);
      return { position: Number(rows[0]!.position), version: Number(rows[0]!.version) };
    };

    it(`[${adapterName}] a new version of a projection with the same layout: the old views serve until the new ones are swapped in`, async () => {
      for (let i = 0; i < 30; i++) await meeting(store, `kept ${i}`);
      await caughtUp(runner);
      const before = (await runner.statuses()).find((s) => s.name === 'developments')!;
      await runner.stop();
      const changed: Projection = { ...developmentsProjection, version: developmentsProjection.version + 1 };
      // The new version's views are built slowly, so the old ones are seen serving meanwhile.
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow: Projection = {
        ...changed,
        apply: async (view, events) => {
          if (view.rebuilding) await gate;
          return changed.apply(view, events);
        },
      };
      runner = new ProjectionRunner(store, read, upgradedProjections(slow));
      await runner.init();
      runner.start();
      const during = (await runner.statuses()).find((s) => s.name === 'developments')!;
      expect([during.version, during.status, during.digest]).toEqual([before.version, 'rebuilding', before.digest]);
      expect(await titles()).toHaveLength(30);
      expect(await checkpoint('developments')).toEqual({ position: Number(before.position), version: before.version });
      // Writes meanwhile reach the serving views.
      await meeting(store, 'during');
      await caughtUp(runner);
      expect(await titles()).toContain('during');
      release();
      const deadline = Date.now() + 10_000;
      while ((await runner.statuses()).some((s) => s.status === 'rebuilding') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      const after = (await runner.statuses()).find((s) => s.name === 'developments')!;
      expect([after.version, after.status]).toEqual([changed.version, 'running']);
      expect((await checkpoint('developments')).version).toBe(changed.version);
      expect(await titles()).toContain('during');
      expect((await runner.verify()).every((r) => r.equal)).toBe(true);
    });

    it(`[${adapterName}] a new version with another table layout is built before init returns: half-built views never serve`, async () => {
      for (let i = 0; i < 5; i++) await meeting(store, `kept ${i}`);
      await caughtUp(runner);
      const before = (await runner.statuses()).find((s) => s.name === 'developments')!;
      await runner.stop();
      // Views of an "older layout": a column the code no longer has.
      await sql`ALTER TABLE dev_history ADD COLUMN obsolete TEXT`.execute(read.db);
      const changed: Projection = { ...developmentsProjection, version: developmentsProjection.version + 1 };
      const logs: string[] = [];
      runner = new ProjectionRunner(store, read, upgradedProjections(changed), { log: (m) => logs.push(m), error: (m) => logs.push(m) });
      await runner.init();
      // Before start: already the new views, complete, in the code's layout.
      expect(await checkpoint('developments')).toEqual({ position: Number(before.position), version: changed.version });
      expect(await titles()).toHaveLength(5);
      const status = (await runner.statuses()).find((s) => s.name === 'developments')!;
      expect([status.version, status.status, status.digest]).toEqual([changed.version, 'running', before.digest]);
      expect(logs.some((m) => m.includes('another table layout'))).toBe(true);
      runner.start();
      await meeting(store, 'after');
      await caughtUp(runner);
      expect(await titles()).toContain('after');
    });

    it(`[${adapterName}] views opened against another log are rebuilt from it before they serve`, async () => {
      await meeting(store, 'from the first log');
      await caughtUp(runner);
      await runner.stop();
      const other = new InMemoryEventStore();
      await meeting(other, 'from the second log');
      await meeting(other, 'also second');
      const logs: string[] = [];
      runner = new ProjectionRunner(other, read, ALL_PROJECTIONS, { log: (m) => logs.push(m), error: (m) => logs.push(m) });
      await runner.init();
      expect(logs.some((m) => m.includes('another event log'))).toBe(true);
      expect(await titles()).toEqual(['from the second log', 'also second']);
      runner.start();
      await caughtUp(runner, other);
      expect((await runner.verify()).every((r) => r.equal)).toBe(true);
      await runner.stop();
      // Opened against the same log again: nothing to rebuild.
      logs.length = 0;
      runner = new ProjectionRunner(other, read, ALL_PROJECTIONS, { log: (m) => logs.push(m), error: (m) => logs.push(m) });
      await runner.init();
      expect(logs).toEqual([]);
      await other.close();
    });

    it(`[${adapterName}] views ahead of their log (an events file restored from an older backup) are rebuilt before they serve`, async () => {
      const older = new InMemoryEventStore();
      // The same first events in both logs (a backup), then the views go further than the backup.
      for (const title of ['one', 'two']) {
        const id = randomUUID();
        const event = {
          eventId: randomUUID(),
          type: 'MeetingHeld',
          data: { developmentId: id, occurredOn: '2024-05-01', title, participants: [{ name: 'L', country: 'RU' }] },
          metadata: meta('2024-02-01T00:00:00.000Z'),
        };
        for (const log of [store, older]) await log.append(developmentStream(id), [event], { expectedRevision: 'no-stream' });
      }
      await meeting(store, 'three, not in the backup');
      await caughtUp(runner);
      await runner.stop();
      const logs: string[] = [];
      runner = new ProjectionRunner(older, read, ALL_PROJECTIONS, { log: (m) => logs.push(m), error: (m) => logs.push(m) });
      await runner.init();
      expect(logs.some((m) => m.includes('another event log') && m.includes('does not have'))).toBe(true);
      expect(await titles()).toEqual(['one', 'two']);
      await older.close();
    });
  });
}
