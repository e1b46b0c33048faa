/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { expectProblem, useApp, type Json } from './support-reads';

const ids = (items: Json[]) => items.map((i) => i.developmentId as string);

describe('searching developments', () => {
  const ctx = useApp();
  const d: Record<string, string> = {};

  beforeAll(async () => {
    const { w } = ctx;
    await w.organization('SRX');
    d.pipeline = (
      await w.meeting('2024-07-03', 'Xi and Putin discuss an Energy pipeline', ['CN', 'RU'], {
        organization: 'SRX',
        summary: 'Talks in Astana.',
      })
    ).developmentId;
    d.summit = (
      await w.summit('SRX', 'KZ', '2024-07-04', 'Summit in Astana', { summary: 'Leaders discussed ENERGY security and trade.' })
    ).developmentId;
    d.peace = (
      await w.peaceSummit('CH', ['UA'], '2024-06-15', 'Peace summit', { summary: 'A conference on peace in Ukraine.' })
    ).developmentId;
    d.talks = (await w.meeting('2023', 'energy talks in Berlin', ['FR', 'DE'])).developmentId;
    d.other = (await w.meeting('2024-01-10', 'Trade talks', ['FR', 'IT'], { summary: 'No word about power.' })).developmentId;
  });

  it('matches a word in the title or the summary, whatever its case, in timeline order', async () => {
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy' }))).toEqual([d.talks, d.pipeline, d.summit]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'ENERGY' }))).toEqual([d.talks, d.pipeline, d.summit]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'Pipeline' }))).toEqual([d.pipeline]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'ukraine' }))).toEqual([d.peace]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'astana' }))).toEqual([d.pipeline, d.summit]);
    expect(await ctx.w.items('/api/developments', { q: 'nowhere-to-be-found' })).toEqual([]);
  });

  it('matches several words wherever they appear', async () => {
    expect(ids(await ctx.w.items('/api/developments', { q: 'putin pipeline' }))).toEqual([d.pipeline]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy trade' }))).toEqual([d.summit]);
  });

  it('folds accents and case, and matches each word at the start of a word of the text', async () => {
    const { w } = ctx;
    const geneva = await w.meeting('2021-05-05', 'Réunion à Genève', ['BE', 'LU'], { summary: 'Coopération énergétique' });
    expect(ids(await w.items('/api/developments', { q: 'geneve REUNION' }))).toEqual([geneva.developmentId]);
    expect(ids(await w.items('/api/developments', { q: 'énergét coop' }))).toEqual([geneva.developmentId]);
    expect(await w.items('/api/developments', { q: 'eneve' })).toEqual([]);
    expect(ids(await w.items('/api/developments', { q: 'energ', to: '2022' }))).toEqual([geneva.developmentId]);
  });

  it('treats LIKE wildcards in q as plain text', async () => {
    expect(await ctx.w.items('/api/developments', { q: '%' })).toEqual([]);
    expect(await ctx.w.items('/api/developments', { q: '_' })).toEqual([]);
  });

  it('combines q with kind, organization, country, from and to', async () => {
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', kind: 'meeting' }))).toEqual([d.talks, d.pipeline]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', kind: 'summit,peace-summit' }))).toEqual([d.summit]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', organization: 'srx' }))).toEqual([d.pipeline, d.summit]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', country: 'FRA' }))).toEqual([d.talks]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', country: 'RU', organization: 'SRX' }))).toEqual([d.pipeline]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', from: '2024' }))).toEqual([d.pipeline, d.summit]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', to: '2023' }))).toEqual([d.talks]);
    expect(ids(await ctx.w.items('/api/developments', { q: 'energy', from: '2024-07-04', to: '2024-07-04' }))).toEqual([d.summit]);
  });

  it('filters without q too', async () => {
    expect(ids(await ctx.w.items('/api/developments', { country: 'FR' }))).toEqual([d.talks, d.other]);
    expect(ids(await ctx.w.items('/api/developments', { kind: 'peace-summit' }))).toEqual([d.peace]);
    expect(ids(await ctx.w.items('/api/developments', { organization: 'SRX', order: 'desc' }))).toEqual([d.summit, d.pipeline]);
  });

  it('answers with the timeline shape', async () => {
    const page = await ctx.w.ok('/api/developments', { q: 'pipeline' });
    expect(Object.keys(page).sort()).toEqual(['items', 'nextCursor']);
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toEqual(
      expect.objectContaining({
        developmentId: d.pipeline,
        kind: 'meeting',
        occurredOn: '2024-07-03',
        precision: 'day',
        title: 'Xi and Putin discuss an Energy pipeline',
        summary: 'Talks in Astana.',
        organizations: ['SRX'],
        corrected: false,
        retracted: false,
        recordedAt: expect.any(String),
        position: expect.any(String),
      }),
    );
    expect([...page.items[0].countries].sort()).toEqual(['CN', 'RU']);
  });

  it.each(['asc', 'desc'])('pages with nextCursor like a timeline (%s)', async (order) => {
    const whole = ids(await ctx.w.items('/api/developments', { q: 'energy', order }));
    const paged = await ctx.w.allPages('/api/developments', { q: 'energy', order, limit: 1 });
    expect(ids(paged.items)).toEqual(whole);
    expect(paged.pages).toBe(3);
    expect(paged.cursors[2]).toBeNull();
    const all = await ctx.w.allPages('/api/developments', { order, limit: 2 });
    expect(ids(all.items)).toEqual(ids(await ctx.w.items('/api/developments', { order })));
  });

  it('finds the corrected words and no longer the replaced ones', async () => {
    const { w } = ctx;
    const meeting = await w.meeting('2022-02-02', 'Talks about wheat', ['EG', 'UA']);
    await w.correct(meeting.developmentId, { title: 'Talks about grain' });
    expect(ids(await w.items('/api/developments', { q: 'grain' }))).toEqual([meeting.developmentId]);
    expect(ids(await w.items('/api/developments', { q: 'wheat' }))).toEqual([]);
  });

  it('rejects bad parameters with 400', async () => {
    for (const params of [
      { limit: '0' },
      { limit: '501' },
      { limit: 'abc' },
      { country: 'ZZ' },
      { kind: 'party' },
      { from: '2024-02-30' },
      { cursor: 'garbage' },
      { colour: 'blue' },
    ]) {
      expectProblem(await ctx.w.get('/api/developments', { q: 'energy', ...params }), 400);
    }
  });
});
