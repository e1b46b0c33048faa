import { useApp, waitCaughtUp, sleep } from './support-reads';
jest.setTimeout(120000);
describe('probe', () => {
  const ctx = useApp();
  it('probe', async () => {
    const { app } = ctx;
    let t = Date.now();
    for (let chunk = 0; chunk < 5; chunk++) {
      const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ kind: 'meeting', occurredOn: '2015', title: `Bulk ${chunk}-${i}`, participants: [{ name: 'A', country: 'KP' }, { name: 'B', country: 'KR' }] })).join('\n');
      await app.call('POST', '/api/import', lines, { 'content-type': 'application/x-ndjson' });
    }
    console.log('import ms', Date.now() - t); t = Date.now();
    await waitCaughtUp(app, 60000);
    console.log('caughtup ms', Date.now() - t);
    t = Date.now(); await app.call('GET', '/api/projections'); console.log('projections (cached digest) ms', Date.now() - t);
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(Date.now()), 5);
    const t0 = Date.now();
    const r = await app.call('POST', '/api/projections/rebuild');
    console.log('rebuild answered', r.status, 'after', Date.now() - t0);
    await sleep(5000);
    clearInterval(timer);
    let maxGap = 0; for (let i = 1; i < ticks.length; i++) maxGap = Math.max(maxGap, ticks[i]! - ticks[i - 1]!);
    console.log('max event-loop gap ms', maxGap, 'first tick after', ticks[0]! - t0);
    t = Date.now(); const p = await app.call('GET', '/api/projections'); console.log('projections', Date.now() - t, JSON.stringify(p.json));
  });
});
