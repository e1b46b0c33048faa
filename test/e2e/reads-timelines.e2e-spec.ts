/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { expectProblem, useApp, type Json } from './support-reads';

const ids = (items: Json[]) => items.map((i) => i.developmentId as string);

describe('which development lands on which timeline', () => {
  const ctx = useApp();
  const d: Record<string, string> = {};

  beforeAll(async () => {
    const { w } = ctx;
    await w.organization('TLX');
    d.summit = (
      await w.summit('TLX', 'HU', '2024-05-01', 'TLX summit in Vienna', { location: { city: 'Vienna', country: 'AT' } })
    ).developmentId;
    // The presidencies first: once members are recorded, a presidency must go to one of them.
    d.handover1 = (await w.handover('TLX', undefined, 'HU', '2024-01')).developmentId;
    d.handover2 = (await w.handover('TLX', 'HU', 'PL', '2024-06-01')).developmentId;
    d.approval = (await w.approval('TLX', 'POL', '2024-05-02')).developmentId;
    d.ending = (await w.ending('TLX', 'pl', '2024-09-01')).developmentId;
    d.occasion = (
      await w.meeting('2024-05-01', 'Meeting on the sidelines of the TLX summit', ['FR', 'DEU'], {
        organization: 'tlx',
        location: { city: 'Brussels', country: 'BE' },
      })
    ).developmentId;
    d.bilateral = (await w.meeting('2024-05-03', 'Bilateral meeting, no occasion', ['FR', 'DE'])).developmentId;
    d.peace = (
      await w.peaceSummit('CH', ['UA', 'US'], '2024-06-15', 'Peace summit', {
        location: { city: 'Bürgenstock', country: 'CH' },
        absentees: [{ country: 'RUS', reason: 'declined' }],
      })
    ).developmentId;
  });

  it('puts summits, approvals, endings, handovers and meetings on its occasion on the organization timeline, and nothing else', async () => {
    const items = await ctx.w.items('/api/organizations/TLX/timeline');
    expect(new Set(ids(items))).toEqual(new Set([d.summit, d.approval, d.ending, d.handover1, d.handover2, d.occasion]));
    expect(items).toHaveLength(6);
    for (const item of items) expect(item.organizations).toEqual(['TLX']);
    expect(await ctx.w.ids('/api/organizations/tlx/timeline')).toEqual(ids(items));
  });

  it.each([
    ['FR', ['occasion', 'bilateral']],
    ['DE', ['occasion', 'bilateral']],
    ['BE', ['occasion']],
    ['HU', ['handover1', 'summit', 'handover2']],
    ['AT', ['summit']],
    ['PL', ['approval', 'handover2', 'ending']],
    ['CH', ['peace']],
    ['UA', ['peace']],
    ['US', ['peace']],
    ['RU', ['peace']],
  ])('puts a development on the timeline of %s when it names it in any role', async (country, expected) => {
    expect(await ctx.w.ids(`/api/countries/${country}/timeline`)).toEqual(expected.map((key) => d[key]));
  });

  it('accepts alpha-3 and lower-case country codes in the path and answers with alpha-2 codes', async () => {
    const items = await ctx.w.items('/api/countries/fra/timeline');
    expect(ids(items)).toEqual([d.occasion, d.bilateral]);
    expect([...items[0]!.countries].sort()).toEqual(['BE', 'DE', 'FR']);
    expect(await ctx.w.ids('/api/countries/POL/timeline')).toEqual([d.approval, d.handover2, d.ending]);
  });

  it('shows on a relations timeline only the developments involving both countries, either way round', async () => {
    expect(await ctx.w.ids('/api/countries/FR/relations/DE/timeline')).toEqual([d.occasion, d.bilateral]);
    expect(await ctx.w.ids('/api/countries/deu/relations/fra/timeline')).toEqual([d.occasion, d.bilateral]);
    expect(await ctx.w.ids('/api/countries/CH/relations/RU/timeline')).toEqual([d.peace]);
    expect(await ctx.w.ids('/api/countries/HU/relations/PL/timeline')).toEqual([d.handover2]);
    expect(await ctx.w.ids('/api/countries/FR/relations/RU/timeline')).toEqual([]);
  });

  it('answers each entry with the TimelineEntry fields', async () => {
    const [entry] = (await ctx.w.items('/api/countries/BE/timeline')) as [Json];
    expect(entry).toEqual(
      expect.objectContaining({
        developmentId: d.occasion,
        kind: 'meeting',
        occurredOn: '2024-05-01',
        precision: 'day',
        title: 'Meeting on the sidelines of the TLX summit',
        organizations: ['TLX'],
        location: { city: 'Brussels', country: 'BE' },
        corrected: false,
        retracted: false,
        recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
        position: expect.any(String),
      }),
    );
    expect([...entry.countries].sort()).toEqual(['BE', 'DE', 'FR']);
  });

  it('filters by kind, comma-separated', async () => {
    const items = await ctx.w.items('/api/organizations/TLX/timeline', { kind: 'meeting,summit' });
    expect(ids(items)).toEqual([d.summit, d.occasion]);
    expect(await ctx.w.ids('/api/organizations/TLX/timeline', { kind: 'presidency-handover' })).toEqual([d.handover1, d.handover2]);
    expect(await ctx.w.ids('/api/countries/PL/timeline', { kind: 'membership-approval,membership-ending' })).toEqual([
      d.approval,
      d.ending,
    ]);
    expectProblem(await ctx.w.get('/api/organizations/TLX/timeline', { kind: 'meeting,party' }), 400);
  });

  it('answers 404 for an unknown organization and 400 for a bad country code in the path', async () => {
    expectProblem(await ctx.w.get('/api/organizations/NOPE/timeline'), 404);
    for (const bad of ['ZZ', 'XYZ', '12', 'FRANCE']) {
      expectProblem(await ctx.w.get(`/api/countries/${bad}/timeline`), 400);
      expectProblem(await ctx.w.get(`/api/countries/FR/relations/${bad}/timeline`), 400);
      expectProblem(await ctx.w.get(`/api/countries/${bad}/relations/FR/timeline`), 400);
    }
  });

  it('rejects an unknown query parameter with 400', async () => {
    for (const path of ['/api/organizations/TLX/timeline', '/api/countries/FR/timeline', '/api/countries/FR/relations/DE/timeline']) {
      expectProblem(await ctx.w.get(path, { colour: 'blue' }), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('timeline order and dates', () => {
  const ctx = useApp();
  const d: Record<string, string> = {};

  beforeAll(async () => {
    const { w } = ctx;
    // Recorded out of valid-time order on purpose.
    d.a = (await w.meeting('2024-03-05', 'A: 5 March 2024, recorded first', ['NO', 'SE'])).developmentId;
    d.b = (await w.meeting('2024', 'B: sometime in 2024', ['NO', 'SE'])).developmentId;
    d.c = (await w.meeting('2024-03', 'C: March 2024', ['NO', 'SE'], { endsOn: '2024-04' })).developmentId;
    d.d = (await w.meeting('2024-03-05', 'D: 5 March 2024, recorded after A', ['NO', 'SE'])).developmentId;
    d.e = (await w.meeting('2023-12-31', 'E: last day of 2023', ['NO', 'SE'])).developmentId;
    d.f = (await w.meeting('2024-01-01', 'F: first day of 2024, recorded after B', ['NO', 'SE'])).developmentId;
    // Date filters: Denmark and Iceland.
    d.x1 = (await w.meeting('2023-12-31', 'X1', ['DK', 'IS'])).developmentId;
    d.x2 = (await w.meeting('2024', 'X2', ['DK', 'IS'])).developmentId;
    d.x3 = (await w.meeting('2024-06-15', 'X3', ['DK', 'IS'])).developmentId;
    d.x4 = (await w.meeting('2024-12-31', 'X4', ['DK', 'IS'])).developmentId;
    d.x5 = (await w.meeting('2025-01-01', 'X5', ['DK', 'IS'])).developmentId;
    d.x6 = (await w.meeting('2024-12', 'X6', ['DK', 'IS'])).developmentId;
  });

  const expectedAsc = () => [d.e, d.b, d.f, d.c, d.a, d.d];

  it('orders by the first day of occurredOn, then by recording order, whatever the precision', async () => {
    expect(await ctx.w.ids('/api/countries/NO/timeline')).toEqual(expectedAsc());
    expect(await ctx.w.ids('/api/countries/NO/relations/SE/timeline', { order: 'asc' })).toEqual(expectedAsc());
  });

  it('returns each date as recorded, with its precision, never padded', async () => {
    const items = await ctx.w.items('/api/countries/SE/timeline');
    expect(items.map((i) => [i.occurredOn, i.precision])).toEqual([
      ['2023-12-31', 'day'],
      ['2024', 'year'],
      ['2024-01-01', 'day'],
      ['2024-03', 'month'],
      ['2024-03-05', 'day'],
      ['2024-03-05', 'day'],
    ]);
    expect(items.find((i) => i.developmentId === d.c)!.endsOn).toBe('2024-04');
    expect(items.find((i) => i.developmentId === d.a)).not.toHaveProperty('endsOn');
  });

  it('reverses the whole order with order=desc', async () => {
    expect(await ctx.w.ids('/api/countries/NO/timeline', { order: 'desc' })).toEqual(expectedAsc().reverse());
  });

  it.each([
    [{ from: '2024', to: '2024' }, ['x2', 'x3', 'x6', 'x4']],
    [{ to: '2024' }, ['x1', 'x2', 'x3', 'x6', 'x4']],
    [{ to: '2024-12' }, ['x1', 'x2', 'x3', 'x6', 'x4']],
    [{ to: '2024-12-30' }, ['x1', 'x2', 'x3', 'x6']],
    [{ from: '2024-07' }, ['x6', 'x4', 'x5']],
    [{ from: '2025' }, ['x5']],
    [{ from: '2024-06-15', to: '2024-06-15' }, ['x3']],
    [{ from: '2024-06', to: '2024-06' }, ['x3']],
    [{ from: '2024-12-31', to: '2025-01-01' }, ['x4', 'x5']],
    [{ to: '2023' }, ['x1']],
  ])('includes both ends of from/to given as partial dates: %j', async (params, expected) => {
    expect(await ctx.w.ids('/api/countries/DK/timeline', params)).toEqual(expected.map((key) => d[key]));
  });

  it('rejects calendar-invalid or malformed from/to with 400', async () => {
    for (const params of [{ from: '2024-02-30' }, { to: '2024-13' }, { from: '24' }, { to: '2024/01/01' }]) {
      expectProblem(await ctx.w.get('/api/countries/DK/timeline', params), 400, 'VALIDATION_FAILED');
    }
  });

  it('accepts limit from 1 to 500 and rejects 0, 501 and non-numbers with 400', async () => {
    expect(await ctx.w.items('/api/countries/NO/timeline', { limit: 1 })).toHaveLength(1);
    expect(await ctx.w.items('/api/countries/NO/timeline', { limit: 500 })).toHaveLength(6);
    for (const limit of ['0', '501', 'abc', '-1', '2.5']) {
      expectProblem(await ctx.w.get('/api/countries/NO/timeline', { limit }), 400, 'VALIDATION_FAILED');
    }
  });

  it.each(['asc', 'desc'])('gives exactly the whole list when following nextCursor with limit=2 (%s)', async (order) => {
    const whole = await ctx.w.ids('/api/countries/NO/timeline', { order });
    const paged = await ctx.w.allPages('/api/countries/NO/timeline', { order, limit: 2 });
    expect(ids(paged.items)).toEqual(whole);
    expect(new Set(ids(paged.items)).size).toBe(whole.length);
    expect(paged.pages).toBe(3);
    expect(paged.cursors[paged.cursors.length - 1]).toBeNull();
  });

  it('pages through filtered timelines too', async () => {
    const whole = await ctx.w.ids('/api/countries/DK/timeline', { to: '2024' });
    const paged = await ctx.w.allPages('/api/countries/DK/timeline', { to: '2024', limit: 2 });
    expect(ids(paged.items)).toEqual(whole);
  });

  it('answers nextCursor null when everything fits in one page', async () => {
    const page = await ctx.w.ok('/api/countries/NO/timeline', { limit: 6 });
    expect(page.items).toHaveLength(6);
    expect(page.nextCursor).toBeNull();
  });

  it('rejects a malformed cursor with 400', async () => {
    const page = await ctx.w.ok('/api/countries/NO/timeline', { limit: 2 });
    const cursor: string = page.nextCursor;
    const bad = [
      'not-a-cursor',
      '!!!',
      cursor.slice(0, Math.floor(cursor.length / 2)),
      `${cursor.slice(0, -4)}AAAA`,
      Buffer.from('{"hello":1}').toString('base64url'),
    ];
    for (const tampered of bad) expectProblem(await ctx.w.get('/api/countries/NO/timeline', { limit: 2, cursor: tampered }), 400);
  });

  it.each(['asc', 'desc'])('rejects a cursor with characters appended or removed with 400 (%s)', async (order) => {
    const page = await ctx.w.ok('/api/countries/NO/timeline', { limit: 2, order });
    const cursor: string = page.nextCursor;
    const altered = [`${cursor}x`, `${cursor}A`, `${cursor}=`, cursor.slice(0, -1)];
    const answers: Array<[string, number]> = [];
    for (const tampered of altered)
      answers.push([tampered, (await ctx.w.get('/api/countries/NO/timeline', { limit: 2, order, cursor: tampered })).status]);
    expect(answers).toEqual(altered.map((tampered) => [tampered, 400]));
  });

  it('rejects a well-formed cursor the service did not issue (forged sort key) with 400', async () => {
    const page = await ctx.w.ok('/api/countries/NO/timeline', { limit: 2 });
    const decoded = Buffer.from(page.nextCursor as string, 'base64url').toString('utf8');
    const forged = decoded.replace(/\d{4}-\d{2}-\d{2}/, '2020-01-01');
    const candidates = forged === decoded ? ['eyJ4IjoxfQ'] : [Buffer.from(forged).toString('base64url')];
    for (const cursor of candidates) expectProblem(await ctx.w.get('/api/countries/NO/timeline', { limit: 2, cursor }), 400);
  });

  it('answers 50 entries by default', async () => {
    const lines = Array.from({ length: 55 }, (_, i) =>
      JSON.stringify({
        kind: 'meeting',
        occurredOn: '2022-02-02',
        title: `Bulk ${i}`,
        participants: [
          { name: 'A', country: 'FI' },
          { name: 'B', country: 'EE' },
        ],
      }),
    ).join('\n');
    const imported = await ctx.w.app.call('POST', '/api/import', lines, { 'content-type': 'application/x-ndjson' });
    expect(imported.status).toBe(200);
    expect(imported.json.accepted).toBe(55);
    const head = await ctx.w.app.call('GET', '/api/events?limit=1000');
    const last = head.json[head.json.length - 1].position as string;
    const page = await ctx.w.ok('/api/countries/FI/timeline', { minPosition: last });
    expect(page.items).toHaveLength(50);
    expect(typeof page.nextCursor).toBe('string');
    // Ties on one day page by recording order without loss or duplicates.
    const paged = await ctx.w.allPages('/api/countries/EE/timeline', { minPosition: last, limit: 7 });
    expect(paged.items.map((i) => i.title)).toEqual(Array.from({ length: 55 }, (_, i) => `Bulk ${i}`));
  });
});
