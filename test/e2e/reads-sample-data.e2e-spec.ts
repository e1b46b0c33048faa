/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useApp, waitCaughtUp, type Json } from './support-reads';

const SAMPLE = join(__dirname, '..', '..', 'apps', 'api', 'sample-data', 'annals-sample.ndjson');

const members = (answer: Json) => (answer.members as Json[]).map((m) => m.country as string);

/** The story of the source article, told by the bundled sample dataset (SAMPLE_DATA=true). */
describe('the sample dataset', () => {
  const ctx = useApp({ SAMPLE_DATA: 'true' });
  let xiPutin: Json;
  let peace: Json;

  beforeAll(async () => {
    await waitCaughtUp(ctx.app);
    const meetings = await ctx.w.items('/api/countries/CN/relations/RU/timeline', {
      kind: 'meeting',
      from: '2024-07-03',
      to: '2024-07-03',
    });
    xiPutin = meetings[0]!;
    const peaceSummits = await ctx.w.items('/api/developments', { kind: 'peace-summit', from: '2024-06', to: '2024-06' });
    peace = peaceSummits.find((p) => p.countries.includes('CH'))!;
  });

  it('holds the Xi–Putin meeting of 2024-07-03 in Astana, on the sidelines of the SCO summit', () => {
    expect(xiPutin).toEqual(
      expect.objectContaining({ kind: 'meeting', occurredOn: '2024-07-03', precision: 'day', organizations: ['SCO'], retracted: false }),
    );
    expect(xiPutin.countries).toEqual(expect.arrayContaining(['CN', 'RU']));
    expect(xiPutin.location).toEqual(expect.objectContaining({ city: 'Astana', country: 'KZ' }));
    expect(xiPutin.title).toMatch(/Xi/);
    expect(xiPutin.title).toMatch(/Putin/);
  });

  it('shows that meeting on the SCO timeline, on both countries timelines and on their relations either way', async () => {
    const { w } = ctx;
    const id = xiPutin.developmentId;
    expect(await w.ids('/api/organizations/SCO/timeline', { kind: 'meeting' })).toContain(id);
    expect(await w.ids('/api/organizations/sco/timeline', { from: '2024-07-03', to: '2024-07-04' })).toContain(id);
    expect(await w.ids('/api/countries/CHN/timeline')).toContain(id);
    expect(await w.ids('/api/countries/RU/timeline')).toContain(id);
    expect(await w.ids('/api/countries/RU/relations/CN/timeline')).toContain(id);
  });

  it('puts the SCO summit in Astana (3–4 July 2024) on the SCO and Kazakh timelines', async () => {
    const summits = await ctx.w.items('/api/organizations/SCO/timeline', { kind: 'summit', from: '2024-07', to: '2024-07' });
    expect(summits).toHaveLength(1);
    expect(summits[0]).toEqual(expect.objectContaining({ occurredOn: '2024-07-03', endsOn: '2024-07-04' }));
    expect(summits[0]!.countries).toContain('KZ');
    expect(await ctx.w.ids('/api/countries/KZ/timeline', { kind: 'summit' })).toContain(summits[0]!.developmentId);
  });

  it('makes Belarus an SCO member as of 2024-07-05 but not as of 2024-07-03', async () => {
    const after = await ctx.w.ok('/api/organizations/SCO/members', { asOf: '2024-07-05' });
    expect(after.members.find((m: Json) => m.country === 'BY')).toEqual(expect.objectContaining({ status: 'member', name: 'Belarus' }));
    const before = await ctx.w.ok('/api/organizations/SCO/members', { asOf: '2024-07-03' });
    expect((before.members as Json[]).filter((m) => m.status === 'member').map((m) => m.country)).not.toContain('BY');
    expect(((await ctx.w.ok('/api/countries/BLR/memberships', { asOf: '2024-07-05' })) as Json[]).map((m) => m.organization)).toContain(
      'SCO',
    );
    expect(
      ((await ctx.w.ok('/api/countries/BY/memberships', { asOf: '2024-07-03' })) as Json[])
        .filter((m) => m.status === 'member')
        .map((m) => m.organization),
    ).not.toContain('SCO');
  });

  it('counts ten SCO member states after Astana, sorted by country code', async () => {
    const answer = await ctx.w.ok('/api/organizations/SCO/members', { asOf: '2024-07-05' });
    const full = (answer.members as Json[]).filter((m) => m.status === 'member').map((m) => m.country);
    expect(full).toEqual(['BY', 'CN', 'IN', 'IR', 'KG', 'KZ', 'PK', 'RU', 'TJ', 'UZ']);
    expect(members(answer)).toEqual([...members(answer)].sort());
  });

  it('gives the SCO presidency to China from 2024-07-04 and to Kazakhstan before', async () => {
    expect(await ctx.w.ok('/api/organizations/SCO/presidencies', { asOf: '2024-07-05' })).toEqual({
      country: 'CN',
      name: 'China',
      since: '2024-07-04',
    });
    expect(await ctx.w.ok('/api/organizations/SCO/presidencies', { asOf: '2024-07-01' })).toEqual(
      expect.objectContaining({ country: 'KZ' }),
    );
    const chain = (await ctx.w.ok('/api/organizations/SCO/presidencies')) as Json[];
    const kz = chain.findIndex((p) => p.country === 'KZ' && p.to === '2024-07-04');
    expect(kz).toBeGreaterThanOrEqual(0);
    expect(chain[kz + 1]).toEqual(expect.objectContaining({ country: 'CN', name: 'China', from: '2024-07-04' }));
    const starts = chain.map((p) => p.from as string);
    expect(starts).toEqual([...starts].sort());
  });

  it('has Russia chairing BRICS in 2024, with Egypt, Ethiopia, Iran and the UAE members and Saudi Arabia not', async () => {
    expect(await ctx.w.ok('/api/organizations/BRICS/presidencies', { asOf: '2024-06-01' })).toEqual(
      expect.objectContaining({ country: 'RU' }),
    );
    const answer = await ctx.w.ok('/api/organizations/BRICS/members', { asOf: '2024-06-01' });
    const full = (answer.members as Json[]).filter((m) => m.status === 'member').map((m) => m.country);
    expect(full).toEqual(expect.arrayContaining(['BR', 'RU', 'IN', 'CN', 'ZA', 'EG', 'ET', 'IR', 'AE']));
    expect(members(answer)).not.toContain('SA');
    expect(members(answer)).not.toContain('AR');
    const before = await ctx.w.ok('/api/organizations/BRICS/members', { asOf: '2023-12-31' });
    expect(members(before)).not.toContain('EG');
    expect(members(before)).not.toContain('IR');
  });

  it('puts the June 2024 peace summit in Switzerland on the CH and UA timelines, and on RU and CN as absentees', async () => {
    expect(peace).toBeDefined();
    expect(peace).toEqual(expect.objectContaining({ kind: 'peace-summit', occurredOn: '2024-06-15', organizations: [] }));
    for (const country of ['CH', 'UA', 'RU', 'CN']) {
      expect(await ctx.w.ids(`/api/countries/${country}/timeline`, { kind: 'peace-summit' })).toContain(peace.developmentId);
    }
    expect(await ctx.w.ids('/api/countries/CN/relations/RU/timeline', { from: '2024-06', to: '2024-06' })).toContain(peace.developmentId);
    const details = await ctx.w.ok(`/api/developments/${peace.developmentId}`);
    expect(details.absentees).toEqual(
      expect.arrayContaining([expect.objectContaining({ country: 'RU' }), expect.objectContaining({ country: 'CN' })]),
    );
  });

  it('shows the peace summit corrected, with the correction in its history', async () => {
    expect(peace.corrected).toBe(true);
    const details = await ctx.w.ok(`/api/developments/${peace.developmentId}`);
    expect(details.corrected).toBe(true);
    expect(details.retracted).toBe(false);
    const types = (details.history as Json[]).map((h) => h.type);
    expect(types[0]).toBe('PeaceSummitHeld');
    expect(types).toContain('DevelopmentCorrected');
    const positions = (details.history as Json[]).map((h) => BigInt(h.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('shows the state before the sample corrections as known at an instant before them', async () => {
    const details = await ctx.w.ok(`/api/developments/${peace.developmentId}`);
    const history = details.history as Json[];
    const created = Date.parse(history[0]!.recordedAt);
    const corrected = Date.parse(history.find((h) => h.type === 'DevelopmentCorrected')!.recordedAt);
    expect(created).toBeLessThan(corrected);
    const asKnownAt = new Date(corrected - 1).toISOString();
    const then = await ctx.w.items('/api/countries/CH/timeline', { kind: 'peace-summit', asKnownAt });
    expect(then.find((i) => i.developmentId === peace.developmentId)).toEqual(expect.objectContaining({ corrected: false }));
  });

  it('is a recorded history: the peace summit reported on 16 June 2024 and corrected on the 17th and by the 18th', async () => {
    const details = await ctx.w.ok(`/api/developments/${peace.developmentId}`);
    const history = details.history as Json[];
    expect(history.map((h) => [h.type, (h.recordedAt as string).slice(0, 10)])).toEqual([
      ['PeaceSummitHeld', '2024-06-16'],
      ['DevelopmentCorrected', '2024-06-17'],
      ['DevelopmentCorrected', '2024-06-18'],
    ]);
    expect(details.summary).toMatch(/Rwanda/);
    const first = await ctx.w.items('/api/countries/CH/timeline', { kind: 'peace-summit', asKnownAt: '2024-06-16T23:59:59Z' });
    expect(first.find((i) => i.developmentId === peace.developmentId)).toEqual(expect.objectContaining({ corrected: false }));
    expect(await ctx.w.ids('/api/countries/CH/timeline', { kind: 'peace-summit', asKnownAt: '2024-06-15T00:00:00Z' })).not.toContain(
      peace.developmentId,
    );
  });

  it('does not know, as known at 2024-07-01, that Belarus joined the SCO or that China took over its presidency', async () => {
    const then = await ctx.w.ok('/api/organizations/SCO/members', { asOf: '2024-07-05', asKnownAt: '2024-07-01T00:00:00Z' });
    expect(members(then)).not.toContain('BY');
    expect(members(then)).toEqual(expect.arrayContaining(['CN', 'IN', 'IR', 'KZ', 'PK', 'RU']));
    const known = await ctx.w.ok('/api/organizations/SCO/members', { asOf: '2024-07-05', asKnownAt: '2024-07-04T12:00:00Z' });
    expect(members(known)).toContain('BY');
    const timeline = await ctx.w.ids('/api/organizations/SCO/timeline', {
      from: '2024-07',
      to: '2024-07',
      asKnownAt: '2024-07-01T00:00:00Z',
    });
    expect(timeline).toEqual([]);
    expect(
      await ctx.w.ids('/api/organizations/SCO/timeline', { from: '2024-07', to: '2024-07', asKnownAt: '2024-07-03T12:00:00Z' }),
    ).toContain(xiPutin.developmentId);
  });

  it('is seeded by restoring the shipped export: the log is that file, event for event, recorded instants kept', async () => {
    const shipped = readFileSync(SAMPLE, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Json);
    const log = await ctx.app.call('GET', `/api/events?limit=${shipped.length}`);
    expect(log.status).toBe(200);
    expect(log.json).toEqual(shipped);
    const instants = shipped.map((event) => Date.parse(event.recordedAt as string));
    expect(instants).toEqual([...instants].sort((a, b) => a - b));
    expect(new Date(instants[0]!).toISOString()).toBe('2024-05-01T08:00:00.000Z');
    // New writes are stamped by the server clock, after the history.
    const written = await ctx.app.call('POST', '/api/developments/summits', {
      organization: 'SCO',
      host: 'KG',
      occurredOn: '2026-06-01',
      title: 'A summit recorded now',
      sources: [{ publisher: 'test' }],
    });
    expect(written.status).toBe(201);
    expect(Date.parse(written.json.recordedAt as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('gives every development in the dataset at least one source', async () => {
    const all = await ctx.w.allPages('/api/developments', { limit: 100 });
    expect(all.items.length).toBeGreaterThanOrEqual(40);
    const missing: string[] = [];
    for (const item of all.items) {
      const details = await ctx.w.ok(`/api/developments/${item.developmentId}`);
      if (!Array.isArray(details.sources) || details.sources.length === 0) missing.push(item.title);
    }
    expect(missing).toEqual([]);
  });

  it('lists SCO and BRICS with their Wikidata ids, member counts and current presidencies', async () => {
    const list = (await ctx.w.ok('/api/organizations')) as Json[];
    const sco = list.find((o) => o.code === 'SCO')!;
    expect(sco).toEqual(
      expect.objectContaining({
        wikidataId: 'Q485207',
        memberCount: 10,
        presidency: { country: 'KG', name: 'Kyrgyzstan', since: '2025-09-01' },
      }),
    );
    expect(list.find((o) => o.code === 'BRICS')).toEqual(expect.objectContaining({ wikidataId: 'Q243630' }));
    const detail = await ctx.w.ok('/api/organizations/SCO');
    expect(members(detail)).toEqual(expect.arrayContaining(['BY', 'CN', 'RU', 'KZ']));
    expect(detail.presidency).toEqual({ country: 'KG', name: 'Kyrgyzstan', since: '2025-09-01' });
  });

  it("records NATO's full membership history: 12 founders, 30 members in 2023, 32 from Sweden's accession", async () => {
    const { w } = ctx;
    const on = async (asOf: string) => members(await w.ok('/api/organizations/NATO/members', { asOf }));
    expect(await on('1949-08-23')).toEqual([]);
    expect(await on('1950-01-01')).toEqual(['BE', 'CA', 'DK', 'FR', 'GB', 'IS', 'IT', 'LU', 'NL', 'NO', 'PT', 'US']);
    expect(await on('1955-05-06')).toHaveLength(15);
    expect(await on('2004-03-29')).toEqual(expect.arrayContaining(['BG', 'EE', 'LV', 'LT', 'RO', 'SK', 'SI']));
    expect(await on('2004-03-29')).toHaveLength(26);
    expect(await on('2023-01-01')).toHaveLength(30);
    expect(await on('2023-04-04')).toHaveLength(31);
    expect(await on('2024-03-06')).not.toContain('SE');
    expect(await on('2024-03-07')).toHaveLength(32);
    const nato = await w.ok('/api/organizations/NATO');
    expect(nato).toEqual(expect.objectContaining({ memberCount: 32, membershipCoverage: 'complete', wikidataId: 'Q7184' }));
  });

  it('says which organizations record every member (complete) and which only some (partial)', async () => {
    const list = (await ctx.w.ok('/api/organizations')) as Json[];
    const coverage = Object.fromEntries(list.map((o) => [o.code, o.membershipCoverage]));
    expect(coverage).toEqual(expect.objectContaining({ NATO: 'complete', SCO: 'complete', BRICS: 'complete', ASEAN: 'complete' }));
    expect(coverage).toEqual(expect.objectContaining({ UN: 'partial', EU: 'partial', CSTO: 'partial', GCC: 'partial' }));
    expect(list.every((o) => o.membershipCoverage === 'complete' || o.membershipCoverage === 'partial')).toBe(true);
    expect((await ctx.w.ok('/api/organizations/EU')).membershipCoverage).toBe('partial');
    // As known before Belarus' accession was reported, the SCO's record lacked a member it has today.
    const before = (await ctx.w.ok('/api/organizations', { asKnownAt: '2024-07-01T00:00:00Z' })) as Json[];
    expect(before.find((o) => o.code === 'SCO')!.membershipCoverage).toBe('partial');
  });

  it("gives the Bürgenstock summit's host, attendees and absentees their roles, on every timeline that shows it", async () => {
    const { w } = ctx;
    const roleOf = (entry: Json, country: string) =>
      (entry.roles as Json[]).filter((r) => r.country === country).map((r) => r.role as string);
    expect(roleOf(peace, 'CH')).toContain('host');
    expect(roleOf(peace, 'UA')).toEqual(['attendee']);
    expect(roleOf(peace, 'CN')).toEqual(['absentee']);
    expect(roleOf(peace, 'RU')).toEqual(['absentee']);
    expect(peace.countries).toEqual(expect.arrayContaining(['CN', 'RU']));
    const onRelation = (await w.items('/api/countries/CN/relations/RU/timeline', { kind: 'peace-summit' })).find(
      (e) => e.developmentId === peace.developmentId,
    )!;
    expect(roleOf(onRelation, 'CN')).toEqual(['absentee']);
    expect(xiPutin.roles).toEqual(
      expect.arrayContaining([
        { country: 'CN', role: 'participant' },
        { country: 'RU', role: 'participant' },
      ]),
    );
  });
});
