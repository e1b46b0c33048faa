import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKurrentDbDouble, type KurrentDbDouble } from '../support/kurrentdb-double';
import { createTestDatabase } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'api', 'src', 'cli.js');
const SAMPLE = join(ROOT, 'apps', 'api', 'sample-data', 'annals-sample.ndjson');

function annals(env: Record<string, string>, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Item = Record<string, unknown>;
const withoutPositions = (items: Item[]) => items.map(({ position: _position, ...rest }) => rest);

/** What a user sees of a store, with the position tokens (the target's own) left out. */
async function view(app: TestApp) {
  const events = (await app.call('GET', '/api/events?limit=1000')).json as Item[];
  const timelines: Record<string, Item[]> = {};
  for (const path of [
    '/api/organizations/SCO/timeline?limit=500',
    '/api/countries/CN/relations/RU/timeline?limit=500',
    '/api/countries/CH/timeline?asKnownAt=2024-06-17T00:00:00Z',
    '/api/organizations/SCO/timeline?asKnownAt=2024-07-01T00:00:00Z&limit=500',
  ])
    timelines[path] = withoutPositions(((await app.call('GET', path)).json as { items: Item[] }).items);
  const members = (await app.call('GET', '/api/organizations/SCO/members?asOf=2024-07-05')).json as Item;
  const peace = (await app.call('GET', '/api/developments/bb41d9a5-9709-4f38-b947-82e987a67035')).json as Item;
  const history = withoutPositions(peace.history as Item[]);
  const { position: _position, ...details } = peace;
  return { events: withoutPositions(events), count: events.length, timelines, members, peace: { ...details, history } };
}

async function caughtUp(app: TestApp): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const projections = (await app.call('GET', '/api/projections')).json as Array<{ lag: number }>;
    if (Array.isArray(projections) && projections.every((p) => p.lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('views did not catch up');
}

/** The migration path of the README: export from the embedded store, restore into KurrentDB, views on PostgreSQL. */
describe('migrating from the embedded store to KurrentDB and PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-migrate-'));
  let double: KurrentDbDouble;
  let database: { url: string; drop: () => Promise<void> };

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await double.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores an embedded export into KurrentDB with views on PostgreSQL: the same log, timelines and history', async () => {
    const source = join(dir, 'embedded');
    expect((await annals({ DATA_DIR: source }, ['restore', SAMPLE])).status).toBe(0);
    writeFileSync(
      join(dir, 'more.ndjson'),
      JSON.stringify({
        kind: 'meeting',
        occurredOn: '2024-09-12',
        title: 'Xi and Putin speak again',
        organization: 'SCO',
        participants: [
          { name: 'Xi Jinping', country: 'CN' },
          { name: 'Vladimir Putin', country: 'RU' },
        ],
      }),
    );
    expect((await annals({ DATA_DIR: source }, ['import', join(dir, 'more.ndjson')])).status).toBe(0);
    const exported = await annals({ DATA_DIR: source }, ['export']);
    expect(exported.status).toBe(0);
    const exportFile = join(dir, 'export.ndjson');
    writeFileSync(exportFile, exported.stdout);

    const production = { EVENT_STORE: 'kurrentdb', KURRENTDB_URL: double.url, READ_STORE: 'postgres', DATABASE_URL: database.url };
    const restored = await annals({ ...production, DATA_DIR: join(dir, 'unused') }, ['restore', exportFile]);
    expect({ status: restored.status, stderr: restored.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('events restored') });
    const again = await annals({ ...production, DATA_DIR: join(dir, 'unused') }, ['restore', exportFile]);
    expect(again.status).toBe(2);

    const before = await startTestApp({ DATA_DIR: source });
    let expected;
    try {
      await caughtUp(before);
      expected = await view(before);
    } finally {
      await before.close();
    }
    const after = await startTestApp({ ...production, DATA_DIR: join(dir, 'production') });
    try {
      await caughtUp(after);
      const actual = await view(after);
      expect(actual.count).toBe(expected.count);
      expect(actual.events).toEqual(expected.events);
      expect(actual.timelines).toEqual(expected.timelines);
      expect(actual.members).toEqual(expected.members);
      expect(actual.peace).toEqual(expected.peace);
      // A write after the migration goes on from the restored streams, stamped by the server clock.
      const written = await after.call('POST', '/api/developments/membership-approvals', {
        organization: 'SCO',
        country: 'LA',
        status: 'dialogue-partner',
        occurredOn: '2026-01-01',
        title: 'Laos becomes a dialogue partner',
      });
      expect(written.status).toBe(201);
    } finally {
      await after.close();
    }
  }, 240_000);
});
