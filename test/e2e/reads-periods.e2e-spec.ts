/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem"] }] */
import { OpenApiContract } from '../support/openapi/contract';
import { expectProblem, instantBetween, useApp, type Json } from './support-reads';

/** Membership periods and presidency terms with the developments that opened and closed them, and the kinds catalogue. */
describe('periods and kinds, as the page reads them', () => {
  const ctx = useApp();
  let contract: OpenApiContract;
  /** Every answer here is also checked against the OpenAPI document. */
  const read = async (path: string, params: Record<string, string> = {}) => {
    const response = await ctx.w.get(path, params);
    contract.check('GET', path, response);
    return response;
  };
  const ok = async (path: string, params: Record<string, string> = {}): Promise<Json> => {
    const response = await read(path, params);
    expect(response.status).toBe(200);
    return response.json;
  };

  beforeAll(async () => {
    contract = new OpenApiContract((await ctx.app.call('GET', '/docs-json')).json);
  });

  it('starts a membership period at the effective date and ends it at the ending, naming both developments', async () => {
    const { w } = ctx;
    await w.organization('PRA');
    const approval = await w.approval('PRA', 'QA', '1960-12-28', { effectiveOn: '1961-01-01' });
    const ending = await w.ending('PRA', 'QAT', '2019-01-01');
    const rejoined = await w.approval('PRA', 'QA', '2022-05', { status: 'observer' });
    const upgraded = await w.approval('PRA', 'QA', '2024', { status: 'member' });
    const periods = await ok('/api/organizations/pra/periods');
    expect(periods).toEqual({
      organization: 'PRA',
      name: 'Test organization PRA',
      memberships: [
        {
          country: 'QA',
          name: 'Qatar',
          status: 'member',
          since: '1961-01-01',
          until: '2019-01-01',
          openedBy: approval.developmentId,
          closedBy: ending.developmentId,
          endReason: 'withdrawal',
        },
        {
          country: 'QA',
          name: 'Qatar',
          status: 'observer',
          since: '2022-05',
          until: '2024',
          openedBy: rejoined.developmentId,
          closedBy: upgraded.developmentId,
          endReason: 'status-change',
        },
        {
          country: 'QA',
          name: 'Qatar',
          status: 'member',
          since: '2024',
          until: null,
          openedBy: upgraded.developmentId,
          closedBy: null,
          endReason: null,
        },
      ],
      presidencies: [],
    });
    const country = await ok('/api/countries/QAT/periods');
    expect(country.country).toBe('QA');
    expect(country.name).toBe('Qatar');
    expect(country.memberships.filter((m: Json) => m.organization === 'PRA')).toEqual(
      periods.memberships.map(({ country: _, ...rest }: Json) => ({ ...rest, organization: 'PRA', name: 'Test organization PRA' })),
    );
  });

  it('ends a presidency term at the next handover or at its own end, naming the handovers', async () => {
    const { w } = ctx;
    await w.organization('PRB');
    for (const [country, on] of [
      ['GH', '2001'],
      ['NG', '2001'],
      ['SN', '2001'],
    ] as const)
      await w.approval('PRB', country, on);
    const first = await w.handover('PRB', undefined, 'GH', '2010-01-01', { termEndsOn: '2010-12-31' });
    const second = await w.handover('PRB', 'GH', 'NG', '2012-01-01');
    const third = await w.handover('PRB', 'NG', 'SN', '2013-01-01');
    const { presidencies } = await ok('/api/organizations/PRB/periods');
    expect(presidencies).toEqual([
      {
        country: 'GH',
        name: 'Ghana',
        from: '2010-01-01',
        to: '2010-12-31',
        openedBy: first.developmentId,
        closedBy: null,
        endReason: 'term-end',
      },
      {
        country: 'NG',
        name: 'Nigeria',
        from: '2012-01-01',
        to: '2013-01-01',
        openedBy: second.developmentId,
        closedBy: third.developmentId,
        endReason: 'handover',
      },
      { country: 'SN', name: 'Senegal', from: '2013-01-01', to: null, openedBy: third.developmentId, closedBy: null, endReason: null },
    ]);
    const held = (await ok('/api/countries/NG/periods')).presidencies as Json[];
    expect(held).toEqual([expect.objectContaining({ organization: 'PRB', name: 'Test organization PRB', openedBy: second.developmentId })]);
  });

  it('answers the periods as known at an instant', async () => {
    const { w } = ctx;
    await w.organization('PRC');
    const approval = await w.approval('PRC', 'KE', '2005');
    const before = await instantBetween();
    await w.ending('PRC', 'KE', '2015', 'suspension');
    expect((await ok('/api/organizations/PRC/periods', { asKnownAt: before })).memberships).toEqual([
      expect.objectContaining({ country: 'KE', until: null, openedBy: approval.developmentId, closedBy: null }),
    ]);
    expect((await ok('/api/organizations/PRC/periods')).memberships).toEqual([
      expect.objectContaining({ country: 'KE', until: '2015', endReason: 'suspension' }),
    ]);
  });

  it('answers problems for an unknown organization, a bad country and an asOf it has no use for', async () => {
    expectProblem(await read('/api/organizations/NOPE/periods'), 404, 'ORGANIZATION_NOT_FOUND');
    expectProblem(await read('/api/countries/XX/periods'), 400, 'VALIDATION_FAILED');
    expectProblem(await read('/api/organizations/PRA/periods', { asOf: '2020' }), 400, 'VALIDATION_FAILED');
    expectProblem(await read('/api/countries/QA/periods', { asKnownAt: 'yesterday' }), 400, 'VALIDATION_FAILED');
  });

  it('lists every kind with its label, where it is recorded and its event types', async () => {
    const kinds = (await ok('/api/kinds')) as unknown as Json[];
    expect(kinds.map((k) => k.kind)).toEqual([
      'meeting',
      'summit',
      'membership-approval',
      'membership-ending',
      'presidency-handover',
      'peace-summit',
    ]);
    expect(kinds[0]).toEqual({
      kind: 'meeting',
      label: 'Meeting',
      path: '/api/developments/meetings',
      eventTypes: { recorded: 'MeetingHeld', corrected: 'DevelopmentCorrected', retracted: 'DevelopmentRetracted' },
    });
    // Each kind's path records that kind, and its history starts with its recording event type.
    const summit = kinds.find((k) => k.kind === 'summit')!;
    const recorded = await ctx.w.record('summit', { organization: 'SCO', host: 'KG', occurredOn: '2019-06-14', title: 'Bishkek summit' });
    expect(recorded.kind).toBe('summit');
    const history = (await ctx.w.ok(`/api/developments/${recorded.developmentId}`)).history as Json[];
    expect(history[0]!.type).toBe(summit.eventTypes.recorded);
    expect(summit.path).toBe('/api/developments/summits');
  });
});
