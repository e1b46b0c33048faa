/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { expectProblem, instantBetween, useApp, type Json } from './support-reads';

/** What corrections and retractions do to memberships, presidencies and timeline membership, now and as known before. */
describe('corrected and retracted facts', () => {
  const ctx = useApp();
  const members = async (code: string, params: Record<string, string> = {}) =>
    (await ctx.w.ok(`/api/organizations/${code}/members`, params)).members as Json[];
  const countries = (list: Json[]) => list.map((m) => m.country as string);
  const ids = (items: Json[]) => items.map((i) => i.developmentId as string);

  it('moves a development between country timelines when its participants are corrected, not as known before', async () => {
    const { w } = ctx;
    const meeting = await w.meeting('2024-03-03', 'Who was there?', ['AR', 'UY']);
    const t1 = await instantBetween();
    await w.correct(meeting.developmentId, {
      participants: [
        { name: 'A', country: 'AR' },
        { name: 'P', country: 'PRY' },
      ],
    });
    expect(ids(await w.items('/api/countries/UY/timeline'))).toEqual([]);
    expect(ids(await w.items('/api/countries/PY/timeline'))).toEqual([meeting.developmentId]);
    expect(ids(await w.items('/api/countries/AR/relations/PY/timeline'))).toEqual([meeting.developmentId]);
    expect(ids(await w.items('/api/countries/AR/relations/UY/timeline'))).toEqual([]);
    expect(ids(await w.items('/api/countries/UY/timeline', { asKnownAt: t1 }))).toEqual([meeting.developmentId]);
    expect(ids(await w.items('/api/countries/PY/timeline', { asKnownAt: t1 }))).toEqual([]);
    expect(ids(await w.items('/api/developments', { country: 'UY' }))).toEqual([]);
    const [entry] = await w.items('/api/countries/AR/timeline');
    expect([...entry!.countries].sort()).toEqual(['AR', 'PY']);
    expect(entry!.corrected).toBe(true);
  });

  it('no longer counts a retracted approval, but did as known before the retraction', async () => {
    const { w } = ctx;
    await w.organization('TTX');
    const approval = await w.approval('TTX', 'LA', '2010');
    await w.approval('TTX', 'KH', '2010');
    const t1 = await instantBetween();
    await w.retract(approval.developmentId);
    expect(countries(await members('TTX', { asOf: '2020' }))).toEqual(['KH']);
    expect(countries(await members('TTX', { asOf: '2020', asKnownAt: t1 }))).toEqual(['KH', 'LA']);
    expect(((await w.ok('/api/countries/LA/memberships', { asOf: '2020' })) as Json[]).map((m) => m.organization)).not.toContain('TTX');
    const list = (await w.ok('/api/organizations')) as Json[];
    expect(list.find((o) => o.code === 'TTX')!.memberCount).toBe(1);
  });

  it('follows a corrected occurredOn of an approval without effectiveOn, but not as known before the correction', async () => {
    const { w } = ctx;
    await w.organization('TTD');
    const approval = await w.approval('TTD', 'SN', '2019-01-01');
    const t1 = await instantBetween();
    await w.correct(approval.developmentId, { occurredOn: '2019-06-01' });
    expect(countries(await members('TTD', { asOf: '2019-03-01' }))).toEqual([]);
    expect(await members('TTD', { asOf: '2019-06-01' })).toEqual([
      expect.objectContaining({ country: 'SN', name: 'Senegal', since: '2019-06-01' }),
    ]);
    expect(await members('TTD', { asOf: '2019-03-01', asKnownAt: t1 })).toEqual([
      expect.objectContaining({ country: 'SN', name: 'Senegal', since: '2019-01-01' }),
    ]);
  });

  it('follows a corrected effectiveOn', async () => {
    const { w } = ctx;
    await w.organization('TTF');
    const approval = await w.approval('TTF', 'GH', '2023-08-24', { effectiveOn: '2024-01-01' });
    await w.correct(approval.developmentId, { effectiveOn: '2024-03' });
    expect(countries(await members('TTF', { asOf: '2024-02-29' }))).toEqual([]);
    expect(await members('TTF', { asOf: '2024-03-01' })).toEqual([
      expect.objectContaining({ country: 'GH', name: 'Ghana', since: '2024-03' }),
    ]);
  });

  it('counts a membership again once its ending is retracted', async () => {
    const { w } = ctx;
    await w.organization('TTE');
    await w.approval('TTE', 'ML', '2010');
    const ending = await w.ending('TTE', 'ML', '2020', 'suspension');
    expect(countries(await members('TTE', { asOf: '2021' }))).toEqual([]);
    await w.retract(ending.developmentId);
    expect(countries(await members('TTE', { asOf: '2021' }))).toEqual(['ML']);
  });

  it('drops a retracted handover from the presidency chain, but not as known before', async () => {
    const { w } = ctx;
    await w.organization('TTH');
    await w.handover('TTH', undefined, 'AO', '2010');
    await w.handover('TTH', 'AO', 'BW', '2012');
    const last = await w.handover('TTH', 'BW', 'MZ', '2014');
    const t1 = await instantBetween();
    await w.retract(last.developmentId);
    expect(await w.ok('/api/organizations/TTH/presidencies')).toEqual([
      { country: 'AO', name: 'Angola', from: '2010', to: '2012' },
      { country: 'BW', name: 'Botswana', from: '2012', to: null },
    ]);
    expect(await w.ok('/api/organizations/TTH/presidencies', { asOf: '2015' })).toEqual({ country: 'BW', name: 'Botswana', since: '2012' });
    expect(await w.ok('/api/organizations/TTH/presidencies', { asOf: '2015', asKnownAt: t1 })).toEqual({
      country: 'MZ',
      name: 'Mozambique',
      since: '2014',
    });
    expect((await w.ok('/api/organizations/TTH')).presidency).toEqual({ country: 'BW', name: 'Botswana', since: '2012' });
    expectProblem(await w.get('/api/organizations/TTH/presidencies', { asOf: '2009' }), 404);
  });

  it('re-dates a presidency when its handover date is corrected', async () => {
    const { w } = ctx;
    await w.organization('TTG');
    await w.handover('TTG', undefined, 'NA', '2020-01');
    const second = await w.handover('TTG', 'NA', 'ZM', '2021-07-04');
    await w.correct(second.developmentId, { occurredOn: '2021-07-05' });
    expect(await w.ok('/api/organizations/TTG/presidencies')).toEqual([
      { country: 'NA', name: 'Namibia', from: '2020-01', to: '2021-07-05' },
      { country: 'ZM', name: 'Zambia', from: '2021-07-05', to: null },
    ]);
    expect(await w.ok('/api/organizations/TTG/presidencies', { asOf: '2021-07-04' })).toEqual({
      country: 'NA',
      name: 'Namibia',
      since: '2020-01',
    });
  });
});
