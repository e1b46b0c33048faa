import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildApp, type ChildApp } from '../support/child-app';

const post = (url: string, i: number) =>
  fetch(`${url}/api/developments/meetings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      occurredOn: `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
      title: `Crash test meeting ${i}`,
      participants: [
        { name: 'A', country: 'CN' },
        { name: 'B', country: i % 2 ? 'RU' : 'KZ' },
      ],
    }),
  }).then(async (r) => (r.status === 201 ? ((await r.json()) as { developmentId: string; position: string }) : undefined));

const json = async (url: string) => (await fetch(url)).json() as Promise<any>;

describe('durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-crash-'));
  let app: ChildApp | undefined;
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged write to kill -9 under write load, and the views converge after restart', async () => {
    app = await startChildApp({ DATA_DIR: dir });
    const acknowledged: Array<{ developmentId: string; position: string }> = [];
    let i = 0;
    const writers = Array.from({ length: 8 }, async () => {
      for (;;) {
        const result = await post(app!.url, i++).catch(() => undefined);
        if (!result) return;
        acknowledged.push(result);
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await app.kill9();
    await Promise.all(writers);
    expect(acknowledged.length).toBeGreaterThan(10);

    app = await startChildApp({ DATA_DIR: dir });
    const stored = new Set<string>();
    let after = '0';
    for (;;) {
      const page = await json(`${app.url}/api/events?after=${after}&limit=1000`);
      if (page.length === 0) break;
      for (const event of page) stored.add(event.data.developmentId);
      after = page[page.length - 1].position;
    }
    for (const write of acknowledged) expect(stored.has(write.developmentId)).toBe(true);

    const last = acknowledged.map((a) => BigInt(a.position)).reduce((a, b) => (a > b ? a : b));
    const timeline = await json(`${app.url}/api/countries/CN/timeline?limit=500&minPosition=${last}`);
    const shown = new Set<string>();
    let page = timeline;
    for (;;) {
      page.items.forEach((item: { developmentId: string }) => shown.add(item.developmentId));
      if (!page.nextCursor) break;
      page = await json(`${app.url}/api/countries/CN/timeline?limit=500&cursor=${page.nextCursor}`);
    }
    for (const write of acknowledged) expect(shown.has(write.developmentId)).toBe(true);

    const before = (await json(`${app.url}/api/projections`)).map((p: { digest: string }) => p.digest);
    expect((await fetch(`${app.url}/api/projections/rebuild`, { method: 'POST' })).status).toBe(202);
    let after2: string[] = [];
    for (let attempt = 0; attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const statuses = await json(`${app.url}/api/projections`);
      if (statuses.every((p: { status: string }) => p.status === 'running')) {
        after2 = statuses.map((p: { digest: string }) => p.digest);
        if (after2.join() === before.join()) break;
      }
    }
    expect(after2).toEqual(before);
  }, 60_000);
});
