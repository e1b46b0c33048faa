/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { expectProblem, instantBetween, useApp, type Json } from './support-reads';

const ids = (items: Json[]) => items.map((i) => i.developmentId as string);
const today = () => new Date().toISOString().slice(0, 10);

describe('corrections and retractions as known at an instant', () => {
  const ctx = useApp();

  it('shows the old title before a correction was recorded and the new one after', async () => {
    const { w } = ctx;
    await w.organization('TTC');
    const meeting = await w.meeting('2024-02-02', 'Old title', ['AR', 'BR'], { organization: 'TTC' });
    await w.ok('/api/countries/AR/timeline');
    const t1 = await instantBetween();
    await w.correct(meeting.developmentId, { title: 'New title' });
    const later = await w.meeting('2024-02-01', 'Recorded after T1', ['AR', 'BR']);
    for (const path of ['/api/countries/AR/timeline', '/api/countries/BR/relations/AR/timeline']) {
      const then = await w.items(path, { asKnownAt: t1 });
      expect(then.map((i) => [i.developmentId, i.title, i.corrected])).toEqual([[meeting.developmentId, 'Old title', false]]);
      const now = await w.items(path);
      expect(now.map((i) => [i.developmentId, i.title, i.corrected])).toEqual([
        [later.developmentId, 'Recorded after T1', false],
        [meeting.developmentId, 'New title', true],
      ]);
    }
    const orgThen = await w.items('/api/organizations/TTC/timeline', { asKnownAt: t1 });
    expect(orgThen.map((i) => [i.title, i.corrected])).toEqual([['Old title', false]]);
  });

  it('moves a development whose date is corrected, but not as known before the correction', async () => {
    const { w } = ctx;
    const first = await w.meeting('2023-05', 'First', ['CL', 'PE']);
    const second = await w.meeting('2023-06-10', 'Second', ['CL', 'PE']);
    const t1 = await instantBetween();
    await w.correct(first.developmentId, { occurredOn: '2023-07' });
    const now = await w.items('/api/countries/CL/timeline');
    expect(now.map((i) => [i.developmentId, i.occurredOn, i.precision])).toEqual([
      [second.developmentId, '2023-06-10', 'day'],
      [first.developmentId, '2023-07', 'month'],
    ]);
    expect(ids(await w.items('/api/countries/CL/timeline', { asKnownAt: t1 }))).toEqual([first.developmentId, second.developmentId]);
    expect(ids(await w.items('/api/countries/CL/timeline', { from: '2023-07' }))).toEqual([first.developmentId]);
    expect(ids(await w.items('/api/countries/CL/timeline', { from: '2023-07', asKnownAt: t1 }))).toEqual([]);
  });

  it('shows nothing at an instant before anything was recorded', async () => {
    expect(await ctx.w.items('/api/countries/AR/timeline', { asKnownAt: '2000-01-01T00:00:00Z' })).toEqual([]);
  });

  it('rejects an asKnownAt that is not an ISO instant with 400', async () => {
    for (const asKnownAt of ['yesterday', '2024-13-01T00:00:00Z', '1700000000']) {
      expectProblem(await ctx.w.get('/api/countries/AR/timeline', { asKnownAt }), 400, 'VALIDATION_FAILED');
    }
  });

  it('takes a retracted development off every timeline, keeps it with includeRetracted and as known before', async () => {
    const { w } = ctx;
    await w.organization('TTR');
    const kept = await w.meeting('2024-04-01', 'Kept', ['KE', 'TZ'], { organization: 'TTR' });
    const gone = await w.meeting('2024-04-02', 'Retracted meeting', ['KE', 'TZ'], { organization: 'TTR', location: { country: 'UG' } });
    const t1 = await instantBetween();
    await w.retract(gone.developmentId, 'it never took place');
    const paths = [
      '/api/organizations/TTR/timeline',
      '/api/countries/KE/timeline',
      '/api/countries/tz/timeline',
      '/api/countries/UG/timeline',
      '/api/countries/KE/relations/TZ/timeline',
    ];
    for (const path of paths) {
      expect(ids(await w.items(path))).not.toContain(gone.developmentId);
      const all = await w.items(path, { includeRetracted: 'true' });
      const entry = all.find((i) => i.developmentId === gone.developmentId);
      expect(entry).toEqual(expect.objectContaining({ retracted: true, title: 'Retracted meeting' }));
      const before = await w.items(path, { asKnownAt: t1 });
      expect(before.find((i) => i.developmentId === gone.developmentId)).toEqual(
        expect.objectContaining({ retracted: false, title: 'Retracted meeting' }),
      );
    }
    expect(ids(await w.items('/api/organizations/TTR/timeline'))).toEqual([kept.developmentId]);
    expect(ids(await w.items('/api/developments', { country: 'KE' }))).toEqual([kept.developmentId]);
    expect(ids(await w.items('/api/developments', { q: 'retracted meeting' }))).toEqual([]);
    expect(ids(await w.items('/api/organizations/TTR/timeline', { includeRetracted: 'false' }))).toEqual([kept.developmentId]);
  });

  it('still answers GET /api/developments/{id} after a retraction, with retracted:true and the whole history oldest first', async () => {
    const { w } = ctx;
    const meeting = await w.meeting('2024-04-03', 'Corrected then retracted', ['KE', 'ET']);
    const correction = await w.correct(meeting.developmentId, { summary: 'More detail' });
    const retraction = await w.retract(meeting.developmentId);
    const details = await w.ok(`/api/developments/${meeting.developmentId}`);
    expect(details).toEqual(
      expect.objectContaining({
        developmentId: meeting.developmentId,
        kind: 'meeting',
        title: 'Corrected then retracted',
        summary: 'More detail',
        retracted: true,
      }),
    );
    expect(details.history.map((h: Json) => h.type)).toEqual(['MeetingHeld', 'DevelopmentCorrected', 'DevelopmentRetracted']);
    expect(details.history.map((h: Json) => h.eventId)).toEqual([meeting.eventId, correction.eventId, retraction.eventId]);
    expect(details.history.map((h: Json) => h.position)).toEqual([meeting.position, correction.position, retraction.position]);
    for (const h of details.history) {
      expect(h).toEqual(
        expect.objectContaining({
          recordedAt: expect.any(String),
          data: expect.objectContaining({ developmentId: meeting.developmentId }),
        }),
      );
    }
    expectProblem(await w.get('/api/developments/00000000-0000-4000-8000-000000000000'), 404, 'DEVELOPMENT_NOT_FOUND');
  });

  it('applies an event recorded exactly at asKnownAt, and not one millisecond before', async () => {
    const { w } = ctx;
    const meeting = await w.meeting('2024-08-08', 'Before', ['NZ', 'FJ']);
    const correction = await w.correct(meeting.developmentId, { title: 'After' });
    const details = await w.ok(`/api/developments/${meeting.developmentId}`);
    const at: string = details.history.find((h: Json) => h.eventId === correction.eventId).recordedAt;
    const justBefore = new Date(Date.parse(at) - 1).toISOString();
    expect(await w.titles('/api/countries/NZ/timeline', { asKnownAt: at })).toEqual(['After']);
    expect(await w.titles('/api/countries/NZ/timeline', { asKnownAt: justBefore })).toEqual(['Before']);
  });

  it('shows a corrected, later retracted development as corrected between the two', async () => {
    const { w } = ctx;
    const meeting = await w.meeting('2024-09-09', 'Draft', ['MX', 'GT']);
    await w.correct(meeting.developmentId, { title: 'Corrected' });
    const t1 = await instantBetween();
    await w.retract(meeting.developmentId);
    const then = await w.items('/api/countries/MX/timeline', { asKnownAt: t1 });
    expect(then.map((i) => [i.title, i.corrected, i.retracted])).toEqual([['Corrected', true, false]]);
    expect(await w.items('/api/countries/MX/timeline')).toEqual([]);
  });
});

describe('members, presidencies and memberships as of a date', () => {
  const ctx = useApp();
  let t1 = '';

  beforeAll(async () => {
    const { w } = ctx;
    await w.organization('TTM');
    await w.approval('TTM', 'KZ', '2001-06-15');
    await w.approval('TTM', 'CN', '2001-06');
    await w.approval('TTM', 'UZ', '2001-06-15');
    await w.ending('TTM', 'UZ', '2023-05-01', 'withdrawal');
    await w.approval('TTM', 'BY', '2015', { status: 'observer' });
    await w.approval('TTM', 'BY', '2024-07-04', { status: 'member' });
    await w.approval('TTM', 'EG', '2023-08-24', { effectiveOn: '2024-01-01' });
    await w.organization('TTP');
    await w.handover('TTP', 'KZ', 'CN', '2024-07-04'); // backfilled below
    await w.handover('TTP', undefined, 'KZ', '2023-07-04');
    await w.handover('TTP', 'CN', 'KG', '2025-09');
    await w.approval('TTP', 'KZ', '2020');
    // Known at t1: MN a member from 2020. Recorded later: its ending in 2022, and VN backfilled from 2021.
    await w.organization('TTK');
    await w.approval('TTK', 'MN', '2020-01-01');
    await w.ok('/api/organizations/TTK/members');
    t1 = await instantBetween();
    await w.ending('TTK', 'MN', '2022-06-01', 'suspension');
    await w.approval('TTK', 'VN', '2021-03-01');
  });

  const members = async (code: string, params: Record<string, string> = {}) =>
    (await ctx.w.ok(`/api/organizations/${code}/members`, params)).members as Json[];
  const countries = (list: Json[]) => list.map((m) => m.country);

  it('lists the members on a date, sorted by country code, with name, status and since', async () => {
    const answer = await ctx.w.ok('/api/organizations/ttm/members', { asOf: '2023-01-01' });
    expect(answer.organization).toBe('TTM');
    expect(answer.asOf).toBe('2023-01-01');
    expect(answer.members.map((m: Json) => [m.country, m.status, m.since])).toEqual([
      ['BY', 'observer', '2015'],
      ['CN', 'member', '2001-06'],
      ['KZ', 'member', '2001-06-15'],
      ['UZ', 'member', '2001-06-15'],
    ]);
    expect(answer.members.find((m: Json) => m.country === 'KZ').name).toBe('Kazakhstan');
    for (const m of answer.members) expect(typeof m.name === 'string' && m.name.length > 0).toBe(true);
  });

  it('drops a membership from the day of its ending', async () => {
    expect(countries(await members('TTM', { asOf: '2023-04-30' }))).toContain('UZ');
    expect(countries(await members('TTM', { asOf: '2023-05-01' }))).not.toContain('UZ');
    expect(countries(await members('TTM'))).not.toContain('UZ');
  });

  it('counts a membership from effectiveOn when given, and a status change from its date', async () => {
    expect(countries(await members('TTM', { asOf: '2023-12-31' }))).not.toContain('EG');
    expect((await members('TTM', { asOf: '2024-01-01' })).find((m) => m.country === 'EG')).toEqual(
      expect.objectContaining({ status: 'member', since: '2024-01-01' }),
    );
    expect((await members('TTM', { asOf: '2024-07-03' })).find((m) => m.country === 'BY')).toEqual(
      expect.objectContaining({ status: 'observer' }),
    );
    expect((await members('TTM', { asOf: '2024-07-04' })).find((m) => m.country === 'BY')).toEqual(
      expect.objectContaining({ status: 'member', since: '2024-07-04' }),
    );
  });

  it('takes a partial asOf from the first day of its period and echoes it', async () => {
    const answer = await ctx.w.ok('/api/organizations/TTM/members', { asOf: '2024' });
    expect(answer.asOf).toBe('2024');
    expect(countries(answer.members)).toEqual(['BY', 'CN', 'EG', 'KZ']);
  });

  it('answers as of today by default', async () => {
    const answer = await ctx.w.ok('/api/organizations/TTM/members');
    expect(answer.asOf).toBe(today());
    expect(countries(answer.members)).toEqual(['BY', 'CN', 'EG', 'KZ']);
  });

  it('answers who were members on a date as it was known at an instant (asKnownAt)', async () => {
    expect(countries(await members('TTK', { asOf: '2023-01-01', asKnownAt: t1 }))).toEqual(['MN']);
    expect(countries(await members('TTK', { asOf: '2023-01-01' }))).toEqual(['VN']);
    expect(countries(await members('TTK', { asOf: '2021-06-01' }))).toEqual(['MN', 'VN']);
    expect(countries(await members('TTK', { asOf: '2021-06-01', asKnownAt: '2000-01-01T00:00:00Z' }))).toEqual([]);
  });

  it('answers 404 for an unknown organization and 400 for a bad asOf', async () => {
    expectProblem(await ctx.w.get('/api/organizations/NOPE/members'), 404);
    expectProblem(await ctx.w.get('/api/organizations/TTM/members', { asOf: '2024-02-30' }), 400, 'VALIDATION_FAILED');
    expectProblem(await ctx.w.get('/api/organizations/NOPE/presidencies'), 404);
  });

  it('lists presidencies chronologically, whatever order they were recorded in', async () => {
    expect(await ctx.w.ok('/api/organizations/TTP/presidencies')).toEqual([
      { country: 'KZ', name: 'Kazakhstan', from: '2023-07-04', to: '2024-07-04' },
      { country: 'CN', name: 'China', from: '2024-07-04', to: '2025-09' },
      { country: 'KG', name: 'Kyrgyzstan', from: '2025-09', to: null },
    ]);
  });

  it.each([
    ['2023-07-04', { country: 'KZ', name: 'Kazakhstan', since: '2023-07-04' }],
    ['2024-07-03', { country: 'KZ', name: 'Kazakhstan', since: '2023-07-04' }],
    ['2024-07-04', { country: 'CN', name: 'China', since: '2024-07-04' }],
    ['2024-07-05', { country: 'CN', name: 'China', since: '2024-07-04' }],
    ['2025-09-15', { country: 'KG', name: 'Kyrgyzstan', since: '2025-09' }],
  ])('answers who held the presidency on %s', async (asOf, expected) => {
    expect(await ctx.w.ok('/api/organizations/ttp/presidencies', { asOf })).toEqual(expected);
  });

  it('answers 404 for a date before the first known handover', async () => {
    expectProblem(await ctx.w.get('/api/organizations/TTP/presidencies', { asOf: '2023-07-03' }), 404);
  });

  it("lists a country's memberships as of a date", async () => {
    const on = async (asOf: string) => (await ctx.w.ok('/api/countries/KAZ/memberships', { asOf })) as Json[];
    expect(await on('2019-12-31')).toEqual([{ organization: 'TTM', name: 'Test organization TTM', status: 'member', since: '2001-06-15' }]);
    expect(await on('2020-01-01')).toEqual([
      { organization: 'TTM', name: 'Test organization TTM', status: 'member', since: '2001-06-15' },
      { organization: 'TTP', name: 'Test organization TTP', status: 'member', since: '2020' },
    ]);
    expect(await on('2000')).toEqual([]);
    expect((await ctx.w.ok('/api/countries/uz/memberships', { asOf: '2023-05-01' })) as Json[]).toEqual([]);
    expectProblem(await ctx.w.get('/api/countries/ZZ/memberships'), 400);
  });

  it('lists organizations with their member count and current presidency', async () => {
    const list = (await ctx.w.ok('/api/organizations')) as Json[];
    expect(list.length).toBeGreaterThanOrEqual(20);
    const byCode = Object.fromEntries(list.map((o) => [o.code, o]));
    expect(byCode.SCO).toEqual(
      expect.objectContaining({ name: expect.any(String), wikidataId: 'Q485207', memberCount: 0, presidency: null }),
    );
    expect(byCode.TTM).toEqual(expect.objectContaining({ code: 'TTM', name: 'Test organization TTM', memberCount: 4 }));
    expect(byCode.TTP).toEqual(
      expect.objectContaining({ memberCount: 1, presidency: { country: 'KG', name: 'Kyrgyzstan', since: '2025-09' } }),
    );
    expect(byCode.TTK).toEqual(expect.objectContaining({ memberCount: 1, presidency: null }));
  });

  it('answers one organization with its current members and presidency', async () => {
    const ttp = await ctx.w.ok('/api/organizations/ttp');
    expect(ttp).toEqual(
      expect.objectContaining({
        code: 'TTP',
        name: 'Test organization TTP',
        presidency: { country: 'KG', name: 'Kyrgyzstan', since: '2025-09' },
      }),
    );
    expect(ttp.members).toEqual([{ country: 'KZ', name: 'Kazakhstan', status: 'member', since: '2020' }]);
    const ttm = await ctx.w.ok('/api/organizations/TTM');
    expect(countries(ttm.members)).toEqual(['BY', 'CN', 'EG', 'KZ']);
    expect(ttm.presidency).toBeNull();
    expectProblem(await ctx.w.get('/api/organizations/NOPE'), 404);
  });
});
