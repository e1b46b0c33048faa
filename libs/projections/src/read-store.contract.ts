import { randomUUID } from 'node:crypto';
import { developmentStream, organizationStream, type EventStore, type TimelineQuery } from '@annals/application';
import { InMemoryEventStore } from '@annals/event-store';
import { KyselyReadStore, type ReadDatabase } from '@annals/read-store';
import { ALL_PROJECTIONS } from './index';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';

export interface ReadStoreFixture {
  readonly read: ReadDatabase;
  /** Another handle on the same database, as a second replica would have. */
  readonly openAnother: () => ReadDatabase;
  readonly cleanup: () => Promise<void>;
}

const at = (iso: string) => ({ recordedAt: iso, schemaVersion: 1, actor: 'test', correlationId: 'c', causationId: 'c' });

/** Appends a domain event the way the command side does. */
async function record(store: EventStore, stream: string, type: string, data: Record<string, unknown>, recordedAt: string) {
  return store.append(stream, [{ eventId: randomUUID(), type, data, metadata: at(recordedAt) }], { expectedRevision: 'any' });
}

/** Polls `read` until it answers `want` or 10 s pass; returns the last answer. */
async function eventually<T>(read: () => Promise<T>, want: T): Promise<T> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (value !== want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

const timeline = (scope: TimelineQuery['scope'], extra: Partial<TimelineQuery> = {}): TimelineQuery => ({
  scope,
  limit: 50,
  order: 'asc',
  includeRetracted: false,
  ...extra,
});

/** What every read-store adapter must answer, fed through the real projections. Written once, run per adapter. */
export function describeReadStoreContract(adapterName: string, open: () => Promise<ReadStoreFixture>): void {
  describe(`read store contract: ${adapterName}`, () => {
    let fixture: ReadStoreFixture;
    let store: InMemoryEventStore;
    let runner: ProjectionRunner;
    let views: KyselyReadStore;

    beforeEach(async () => {
      fixture = await open();
      store = new InMemoryEventStore();
      runner = new ProjectionRunner(store, fixture.read, ALL_PROJECTIONS);
      await runner.init();
      runner.start();
      views = new KyselyReadStore(fixture.read.db, fixture.read.dialect);
      await record(
        store,
        organizationStream('SCO'),
        'OrganizationRegistered',
        { developmentId: randomUUID(), code: 'SCO', name: 'Shanghai Cooperation Organisation', wikidataId: 'Q485207' },
        '2024-01-01T00:00:00.000Z',
      );
    });
    afterEach(async () => {
      await runner.stop();
      await store.close();
      await fixture.cleanup();
    });

    const caughtUp = async () => expect(await runner.waitFor(await store.headPosition(), 10_000)).toBe(true);

    const meeting = (id: string, occurredOn: string, countries: string[], title: string, organization?: string) => ({
      developmentId: id,
      occurredOn,
      title,
      participants: countries.map((country, i) => ({ name: `Leader ${i}`, country })),
      ...(organization ? { organization } : {}),
    });

    it(`[${adapterName}] orders timelines by the start of partial dates, then by position, and pages by keyset`, async () => {
      const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await record(
        store,
        developmentStream(ids[0]!),
        'MeetingHeld',
        meeting(ids[0]!, '2024-03-05', ['CN', 'RU'], 'day'),
        '2024-02-01T00:00:00.000Z',
      );
      await record(
        store,
        developmentStream(ids[1]!),
        'MeetingHeld',
        meeting(ids[1]!, '2024', ['CN', 'KZ'], 'year', 'SCO'),
        '2024-02-01T00:00:01.000Z',
      );
      await record(
        store,
        developmentStream(ids[2]!),
        'MeetingHeld',
        meeting(ids[2]!, '2024-03', ['CN', 'RU'], 'month'),
        '2024-02-01T00:00:02.000Z',
      );
      await record(
        store,
        developmentStream(ids[3]!),
        'MeetingHeld',
        meeting(ids[3]!, '2024', ['CN', 'IN'], 'year again'),
        '2024-02-01T00:00:03.000Z',
      );
      await caughtUp();
      const all = await views.timeline(timeline({ type: 'country', code: 'CN' }));
      expect(all.items.map((i) => i.title)).toEqual(['year', 'year again', 'month', 'day']);
      expect(all.items.map((i) => i.precision)).toEqual(['year', 'year', 'month', 'day']);
      const first = await views.timeline(timeline({ type: 'country', code: 'CN' }, { limit: 3 }));
      const rest = await views.timeline(timeline({ type: 'country', code: 'CN' }, { limit: 3, cursor: first.next! }));
      expect([...first.items, ...rest.items].map((i) => i.title)).toEqual(all.items.map((i) => i.title));
      expect(rest.next).toBeNull();
      const relation = await views.timeline(timeline({ type: 'relation', a: 'RU', b: 'CN' }));
      expect(relation.items.map((i) => i.title)).toEqual(['month', 'day']);
      const organization = await views.timeline(timeline({ type: 'organization', code: 'SCO' }));
      expect(organization.items.map((i) => i.title)).toEqual(['year']);
      const desc = await views.timeline(
        timeline({ type: 'country', code: 'CN' }, { order: 'desc', fromDay: '2024-03-01', toDay: '2024-12-31' }),
      );
      expect(desc.items.map((i) => i.title)).toEqual(['day', 'month']);
      // Read again and again (entries then come from the entry cache): the same page, to the byte; exports too.
      const once = await views.timeline(timeline({ type: 'country', code: 'CN' }));
      for (let i = 0; i < 3; i++) {
        const again = await views.timeline(timeline({ type: 'country', code: 'CN' }));
        expect(again.itemsJson).toEqual(once.itemsJson);
        expect(again.items).toEqual(all.items);
      }
      const withContent = await views.timeline(timeline({ type: 'country', code: 'CN' }, { withContent: true }));
      expect(withContent.itemsJson).toEqual(once.itemsJson);
      expect(withContent.contents.map((c) => c.title)).toEqual(['year', 'year again', 'month', 'day']);
      // A correction writes a new version: the page shows it, not the cached entry of the one it replaced.
      await record(
        store,
        developmentStream(ids[3]!),
        'DevelopmentCorrected',
        { developmentId: ids[3]!, kind: 'meeting', changes: { title: 'year, corrected' }, reason: 'r' },
        '2024-02-01T00:00:04.000Z',
      );
      await caughtUp();
      const corrected = await views.timeline(timeline({ type: 'country', code: 'CN' }));
      expect(corrected.items.map((i) => [i.title, i.corrected])).toEqual([
        ['year', false],
        ['year, corrected', true],
        ['month', false],
        ['day', false],
      ]);
    });

    it(`[${adapterName}] keeps every version: corrections and retractions are read as known at any instant`, async () => {
      const id = randomUUID();
      const stream = developmentStream(id);
      await record(store, stream, 'MeetingHeld', meeting(id, '2024-07-03', ['CN', 'RU'], 'First title'), '2024-07-03T10:00:00.000Z');
      await record(
        store,
        stream,
        'DevelopmentCorrected',
        {
          developmentId: id,
          kind: 'meeting',
          changes: {
            title: 'Second title',
            participants: [
              { name: 'X', country: 'CN' },
              { name: 'Y', country: 'KZ' },
            ],
          },
          reason: 'r',
        },
        '2024-07-04T10:00:00.000Z',
      );
      await record(
        store,
        stream,
        'DevelopmentRetracted',
        { developmentId: id, kind: 'meeting', reason: 'wrong' },
        '2024-07-05T10:00:00.000Z',
      );
      await caughtUp();
      const known = (iso: string, scope: TimelineQuery['scope']) => views.timeline(timeline(scope, { asKnownAt: Date.parse(iso) }));
      expect((await known('2024-07-03T12:00:00.000Z', { type: 'country', code: 'RU' })).items.map((i) => i.title)).toEqual(['First title']);
      expect((await known('2024-07-04T12:00:00.000Z', { type: 'country', code: 'RU' })).items).toEqual([]);
      expect((await known('2024-07-04T12:00:00.000Z', { type: 'country', code: 'KZ' })).items.map((i) => [i.title, i.corrected])).toEqual([
        ['Second title', true],
      ]);
      expect((await known('2024-07-02T12:00:00.000Z', { type: 'country', code: 'CN' })).items).toEqual([]);
      expect((await views.timeline(timeline({ type: 'country', code: 'KZ' }))).items).toEqual([]);
      const retracted = await views.timeline(timeline({ type: 'country', code: 'KZ' }, { includeRetracted: true }));
      expect(retracted.items.map((i) => i.retracted)).toEqual([true]);
      const details = await views.development(id);
      expect(details?.history.map((h) => h.type)).toEqual(['MeetingHeld', 'DevelopmentCorrected', 'DevelopmentRetracted']);
      expect((await views.development(id, Date.parse('2024-07-03T12:00:00.000Z')))?.entry.title).toBe('First title');
    });

    /** Records meetings one second apart; each `[title, summary?, tags?]`, on `countries`. */
    const meetings = async (
      rows: Array<[string, string?, string[]?]>,
      countries: string[] = ['CN', 'RU'],
      day = (i: number) => `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
    ) => {
      const ids: string[] = [];
      for (const [i, [title, summary, tags]] of rows.entries()) {
        const id = randomUUID();
        ids.push(id);
        await record(
          store,
          developmentStream(id),
          'MeetingHeld',
          { ...meeting(id, day(i), countries, title), ...(summary ? { summary } : {}), ...(tags ? { tags } : {}) },
          new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
        );
      }
      await caughtUp();
      return ids;
    };
    const search = async (text: string, extra: Partial<TimelineQuery> = {}) =>
      (await views.timeline(timeline({ type: 'search', text }, extra))).items.map((i) => i.title);

    it(`[${adapterName}] searches words in title, summary and tags: every word, any case, accents folded, as token prefixes`, async () => {
      await meetings([
        ['Réunion à Genève', 'Les ministres ÉTUDIENT la coopération'],
        ['Talks in Zürich', undefined, ['Énergie', 'trade']],
        ['Energy security talks', 'Pipelines and grids'],
        ['Gas prices', 'No word about power; co-operation only'],
      ]);
      expect(await search('geneve')).toEqual(['Réunion à Genève']);
      expect(await search('GENÈVE réunion')).toEqual(['Réunion à Genève']);
      expect(await search('zurich energie')).toEqual(['Talks in Zürich']);
      expect(await search('talks')).toEqual(['Talks in Zürich', 'Energy security talks']);
      // A word matches the start of a token, not its middle …
      expect(await search('coop')).toEqual(['Réunion à Genève']);
      expect(await search('nergy')).toEqual([]);
      expect(await search('energ')).toEqual(['Talks in Zürich', 'Energy security talks']);
      // … every word must match, and a word of several tokens needs each of them.
      expect(await search('energy pipelines')).toEqual(['Energy security talks']);
      expect(await search('energy zurich pipelines')).toEqual([]);
      expect(await search('co-operation')).toEqual(['Gas prices']);
      expect(await search('trade')).toEqual(['Talks in Zürich']);
    });

    it(`[${adapterName}] treats full-text syntax in q as plain characters, and a q with no letter or digit matches nothing`, async () => {
      await meetings([['Peace talks', 'NEAR the border, AND NOT far'], ['Trade talks']]);
      for (const q of ['"', '*', '%', '_', '()', "'", '\\', ':*', '^', '-', '&|!']) expect(await search(q)).toEqual([]);
      expect(await search('"peace"*')).toEqual(['Peace talks']);
      // Operators are words like any other: `AND` is in a summary, `OR` nowhere.
      expect(await search('peace AND')).toEqual(['Peace talks']);
      expect(await search('trade OR peace')).toEqual([]);
      expect(await search('NEAR(talks')).toEqual(['Peace talks']);
      expect(await search("peace' & !talks | x:*")).toEqual([]);
      expect(await search("peace' & !talks")).toEqual(['Peace talks']);
    });

    it(`[${adapterName}] finds rare and common words alike, in timeline order, page by page, each read the cheaper way`, async () => {
      const rows: Array<[string, string?, string[]?]> = [];
      for (let i = 0; i < 150; i++)
        // `tok…`: a prefix of 70 index terms, more than the planner lists: it is checked on matches, not looked up.
        rows.push([`Meeting ${i}`, `talks ${i % 3 === 0 ? 'about grain' : 'on trade'}${i === 40 || i === 97 ? ' and saffron' : ''} tok${i % 70}`]);
      const ids = await meetings(rows);
      // Corrected versions are written later than their neighbours of the same day: timeline order is not log order.
      for (const i of [3, 87, 31])
        await record(
          store,
          developmentStream(ids[i]!),
          'DevelopmentCorrected',
          { developmentId: ids[i]!, kind: 'meeting', changes: { summary: `${rows[i]![1]!} (corrected)` }, reason: 'r' },
          new Date(Date.UTC(2024, 0, 2, 0, 0, i)).toISOString(),
        );
      await caughtUp();
      const expected = (match: (i: number) => boolean) =>
        ids
          .map((id, i) => ({ id, i, day: `2020-01-${String((i % 28) + 1).padStart(2, '0')}` }))
          .filter(({ i }) => match(i))
          .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.i - b.i))
          .map(({ id }) => id);
      const pages = async (text: string, order: 'asc' | 'desc', limit: number) => {
        const out: string[] = [];
        let cursor: TimelineQuery['cursor'] | undefined;
        do {
          const page = await views.timeline(timeline({ type: 'search', text }, { limit, order, ...(cursor ? { cursor } : {}) }));
          out.push(...page.items.map((i) => i.developmentId));
          cursor = page.next ?? undefined;
        } while (cursor);
        return out;
      };
      const cases: Array<[string, (i: number) => boolean]> = [
        ['talks', () => true],
        ['grain', (i) => i % 3 === 0],
        ['saffron', (i) => i === 40 || i === 97],
        ['saffron talks', (i) => i === 40 || i === 97],
        ['grain saffron', () => false],
        ['tra', (i) => i % 3 !== 0],
        ['saffron tok', (i) => i === 40 || i === 97],
        ['tok grain', (i) => i % 3 === 0],
        ['tok1 grain', (i) => i % 3 === 0 && String(i % 70).startsWith('1')],
      ];
      for (const [text, match] of cases)
        for (const limit of [2, 3, 7, 50]) {
          expect(await pages(text, 'asc', limit)).toEqual(expected(match));
          expect(await pages(text, 'desc', limit)).toEqual(expected(match).reverse());
        }
      const plan = (text: string) => views.plan(timeline({ type: 'search', text }));
      expect(await plan('saffron')).toEqual({ type: 'words' });
      expect(await plan('talks')).toEqual({ type: 'versions' });
      expect(await plan('saffron tok')).toEqual({ type: 'words' });
    }, 30_000);

    it(`[${adapterName}] starts a relation from the rarer country whichever is named first, and a rare kind from the kind`, async () => {
      await meetings(
        Array.from({ length: 60 }, (_, i) => [`US and CN ${i}`] as [string]),
        ['US', 'CN'],
      );
      await meetings([['US and TV', 'rare'], ['TV and US again']], ['US', 'TV']);
      const us = { type: 'country', code: 'US' } as const;
      const forward = await views.timeline(timeline({ type: 'relation', a: 'US', b: 'TV' }));
      const backward = await views.timeline(timeline({ type: 'relation', a: 'TV', b: 'US' }));
      expect(forward.items.map((i) => i.title)).toEqual(['US and TV', 'TV and US again']);
      expect(backward.itemsJson).toEqual(forward.itemsJson);
      expect(await views.plan(timeline({ type: 'relation', a: 'US', b: 'TV' }))).toEqual({ type: 'key', key: 'c:TV' });
      expect(await views.plan(timeline({ type: 'relation', a: 'TV', b: 'US' }))).toEqual({ type: 'key', key: 'c:TV' });
      const sco = randomUUID();
      await record(
        store,
        organizationStream('SCO'),
        'MembershipApproved',
        { developmentId: sco, organization: 'SCO', country: 'US', status: 'observer', occurredOn: '2020-02-01', title: 'US observes' },
        '2024-03-01T00:00:00.000Z',
      );
      await caughtUp();
      const approvals = timeline(us, { kinds: ['membership-approval'] });
      expect((await views.timeline(approvals)).items.map((i) => i.title)).toEqual(['US observes']);
      expect(await views.plan(approvals)).toEqual({ type: 'kinds', kinds: ['membership-approval'] });
      expect(
        (await views.timeline(timeline(us, { kinds: ['membership-approval', 'summit'], order: 'desc' }))).items.map((i) => i.title),
      ).toEqual(['US observes']);
    });

    it(`[${adapterName}] keeps old versions searchable as known at their time, and history data as recorded`, async () => {
      const [id] = await meetings([['Talks about wheat', 'Harvest', ['cereal']]]);
      const before = Date.parse('2024-01-01T12:00:00.000Z');
      const correction = { developmentId: id!, kind: 'meeting', changes: { title: 'Talks about grain', tags: null }, reason: 'r' };
      await record(store, developmentStream(id!), 'DevelopmentCorrected', correction, '2024-01-02T00:00:00.000Z');
      await caughtUp();
      expect(await search('wheat')).toEqual([]);
      expect(await search('cereal')).toEqual([]);
      expect(await search('grain harvest')).toEqual(['Talks about grain']);
      expect(await search('wheat', { asKnownAt: before })).toEqual(['Talks about wheat']);
      expect(await search('cereal', { asKnownAt: before })).toEqual(['Talks about wheat']);
      expect(await search('grain', { asKnownAt: before })).toEqual([]);
      const details = await views.development(id!);
      const log = await store.readStream(developmentStream(id!));
      expect(details?.history.map((h) => JSON.stringify(h.data))).toEqual(log.map((event) => JSON.stringify(event.data)));
      expect(details?.history.map((h) => h.recordedAt)).toEqual(log.map((event) => event.recordedAt));
      expect(details?.stream).toBe(developmentStream(id!));
    });

    it(`[${adapterName}] derives membership and presidency periods, versioned by recorded time`, async () => {
      const sco = organizationStream('SCO');
      const approve = (country: string, occurredOn: string, status = 'member', effectiveOn?: string) => ({
        developmentId: randomUUID(),
        organization: 'SCO',
        country,
        status,
        occurredOn,
        title: `${country} joins`,
        ...(effectiveOn ? { effectiveOn } : {}),
      });
      const belarus = approve('BY', '2024-07-04');
      await record(store, sco, 'MembershipApproved', approve('KZ', '2001-06-15'), '2024-01-02T00:00:00.000Z');
      await record(store, sco, 'MembershipApproved', approve('BY', '2015', 'observer'), '2024-01-02T00:00:01.000Z');
      await record(store, sco, 'MembershipApproved', belarus, '2024-07-05T00:00:00.000Z');
      await record(
        store,
        sco,
        'PresidencyHandedOver',
        { developmentId: randomUUID(), organization: 'SCO', from: 'KZ', to: 'CN', occurredOn: '2024-07-04', title: 'KZ to CN' },
        '2024-07-05T00:00:01.000Z',
      );
      await record(
        store,
        sco,
        'PresidencyHandedOver',
        { developmentId: randomUUID(), organization: 'SCO', to: 'KZ', occurredOn: '2023-07-04', title: 'to KZ' },
        '2024-07-05T00:00:02.000Z',
      );
      await record(
        store,
        sco,
        'DevelopmentCorrected',
        { developmentId: belarus.developmentId, kind: 'membership-approval', changes: { effectiveOn: '2024-07-05' }, reason: 'r' },
        '2024-07-06T00:00:00.000Z',
      );
      await caughtUp();
      const periods = await views.membershipPeriods({ organization: 'SCO' });
      expect(periods.map((p) => [p.country, p.status, p.since, p.until ?? null])).toEqual([
        ['BY', 'observer', '2015', '2024-07-05'],
        ['BY', 'member', '2024-07-05', null],
        ['KZ', 'member', '2001-06-15', null],
      ]);
      const before = await views.membershipPeriods({ organization: 'SCO' }, Date.parse('2024-07-05T12:00:00.000Z'));
      expect(before.filter((p) => p.country === 'BY').map((p) => p.since)).toEqual(['2015', '2024-07-04']);
      const byCountry = await views.membershipPeriods({ country: 'BY' });
      expect(byCountry.map((p) => p.organization)).toEqual(['SCO', 'SCO']);
      const chain = await views.presidencyPeriods('SCO');
      expect(chain.map((p) => [p.country, p.from, p.to])).toEqual([
        ['KZ', '2023-07-04', '2024-07-04'],
        ['CN', '2024-07-04', null],
      ]);
      expect(await views.presidencyPeriods('SCO', Date.parse('2024-07-05T00:00:01.500Z'))).toHaveLength(1);
      expect((await views.organizations()).map((o) => o.code)).toEqual(['SCO']);
    });

    it(`[${adapterName}] rebuilds every view to the same digests, and replays are identical`, async () => {
      for (let i = 0; i < 30; i++) {
        const id = randomUUID();
        await record(
          store,
          developmentStream(id),
          'MeetingHeld',
          meeting(id, `2020-0${(i % 9) + 1}`, ['CN', i % 2 ? 'RU' : 'IN'], `m${i}`),
          new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
        );
        if (i % 5 === 0)
          await record(
            store,
            developmentStream(id),
            'DevelopmentCorrected',
            { developmentId: id, kind: 'meeting', changes: { summary: 'more' }, reason: 'r' },
            new Date(Date.UTC(2024, 0, 2, 0, 0, i)).toISOString(),
          );
      }
      await caughtUp();
      const before = (await runner.statuses()).map((s) => s.digest);
      await runner.rebuild();
      expect((await runner.statuses()).map((s) => s.digest)).toEqual(before);
      expect((await runner.verify()).every((r) => r.equal)).toBe(true);
    });

    it(`[${adapterName}] lets one runner write the views while a second stands by and follows its progress`, async () => {
      const another = fixture.openAnother();
      const standby = new ProjectionRunner(store, another, ALL_PROJECTIONS);
      await standby.init();
      standby.start();
      const id = randomUUID();
      const written = await record(
        store,
        developmentStream(id),
        'MeetingHeld',
        meeting(id, '2024-01-01', ['CN', 'RU'], 'seen by both'),
        '2024-02-01T00:00:00.000Z',
      );
      expect(await standby.waitFor(written.position, 10_000)).toBe(true);
      expect(runner.isActive).toBe(true);
      expect(standby.isActive).toBe(false);
      await standby.stop();
      await another.close();
      expect((await views.timeline(timeline({ type: 'country', code: 'RU' }))).items.map((i) => i.title)).toEqual(['seen by both']);
    });

    it(`[${adapterName}] keeps the healthy projections going while one fails, names it, and catches it up once it recovers`, async () => {
      await runner.stop();
      let failing = true;
      const flaky: Projection = {
        name: 'flaky',
        version: 1,
        tables: [],
        handles: (event) => event.type === 'MeetingHeld',
        apply: () => (failing ? Promise.reject(new Error('flaky is down')) : Promise.resolve()),
      };
      const errors: string[] = [];
      const withFlaky = new ProjectionRunner(store, fixture.read, [...ALL_PROJECTIONS, flaky], {
        log: () => undefined,
        error: (message) => errors.push(message),
      });
      await withFlaky.init();
      withFlaky.start();
      try {
        const id = randomUUID();
        const written = await record(
          store,
          developmentStream(id),
          'MeetingHeld',
          meeting(id, '2024-05-01', ['CN', 'RU'], 'despite flaky'),
          '2024-02-01T00:00:00.000Z',
        );
        const titles = async () => (await views.timeline(timeline({ type: 'country', code: 'RU' }))).items.map((i) => i.title).join();
        expect(await eventually(titles, 'despite flaky')).toBe('despite flaky');
        // The healthy projections commit alone first, then the failing one is tried and named: a moment apart.
        const flakyStatus = async () => (await withFlaky.statuses()).find((status) => status.name === 'flaky')?.status;
        expect(await eventually(flakyStatus, 'failed')).toBe('failed');
        const statuses = await withFlaky.statuses();
        expect(statuses.find((status) => status.name === 'developments')?.position).toBe(written.position);
        expect(errors.some((message) => message.includes('flaky') && message.includes('flaky is down'))).toBe(true);
        expect(withFlaky.position).toBeLessThan(written.position);

        failing = false;
        expect(await withFlaky.waitFor(written.position, 10_000)).toBe(true);
        expect((await withFlaky.statuses()).every((status) => status.status === 'running')).toBe(true);
      } finally {
        await withFlaky.stop();
      }
    });
  });
}
