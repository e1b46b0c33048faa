/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expectProblem", "expectStatus"] }] */
import { expectProblem, useApp } from './support-reads';

/** Terms of office end: a handover with termEndsOn leaves a gap until the next handover closes it. */
describe('a presidency term that ends', () => {
  const ctx = useApp();

  it('ends on termEndsOn (404 after it, presidency null), and a later handover closes the gap', async () => {
    const { w } = ctx;
    await w.organization('TERMA', 'Term test organization A');
    await w.handover('TERMA', undefined, 'BR', '2025-01-01', { termEndsOn: '2025-12-31' });
    expect(await w.ok('/api/organizations/TERMA/presidencies', { asOf: '2025-06-01' })).toEqual(
      expect.objectContaining({ country: 'BR', since: '2025-01-01' }),
    );
    expectProblem(await w.get('/api/organizations/TERMA/presidencies', { asOf: '2026-02-01' }), 404, 'NOT_FOUND');
    const chain = (await w.ok('/api/organizations/TERMA/presidencies')) as unknown as Array<Record<string, unknown>>;
    expect(chain).toHaveLength(1);
    expect(chain[0]).toEqual(expect.objectContaining({ country: 'BR', from: '2025-01-01' }));
    expect(chain[0]!.to).not.toBeNull();
    // Today is after the term's end: nobody is known to hold it.
    expect((await w.ok('/api/organizations/TERMA')).presidency).toBeNull();
    const listed = (await w.ok('/api/organizations')) as unknown as Array<Record<string, unknown>>;
    expect(listed.find((o) => o.code === 'TERMA')!.presidency).toBeNull();

    await w.handover('TERMA', 'BR', 'IN', '2026-01-01');
    expect(await w.ok('/api/organizations/TERMA/presidencies', { asOf: '2026-02-01' })).toEqual(
      expect.objectContaining({ country: 'IN', since: '2026-01-01' }),
    );
    expect(await w.ok('/api/organizations/TERMA/presidencies', { asOf: '2025-06-01' })).toEqual(expect.objectContaining({ country: 'BR' }));
    expect((await w.ok('/api/organizations/TERMA')).presidency).toEqual(expect.objectContaining({ country: 'IN', since: '2026-01-01' }));
  });

  it('gives the same answers when the later handover is recorded first and the ended term backfilled', async () => {
    const { w } = ctx;
    await w.organization('TERMB', 'Term test organization B');
    await w.handover('TERMB', 'BR', 'IN', '2026-06-01');
    await w.handover('TERMB', undefined, 'BR', '2025-01-01', { termEndsOn: '2025-12-31' });
    expectProblem(await w.get('/api/organizations/TERMB/presidencies', { asOf: '2026-03-01' }), 404, 'NOT_FOUND');
    expect(await w.ok('/api/organizations/TERMB/presidencies', { asOf: '2025-03-01' })).toEqual(expect.objectContaining({ country: 'BR' }));
    expect(await w.ok('/api/organizations/TERMB/presidencies', { asOf: '2026-07-01' })).toEqual(
      expect.objectContaining({ country: 'IN', since: '2026-06-01' }),
    );
    const chain = (await w.ok('/api/organizations/TERMB/presidencies')) as unknown as Array<Record<string, unknown>>;
    expect(chain.map((p) => p.country)).toEqual(['BR', 'IN']);
    expect(chain[1]!.to).toBeNull();
  });
});
