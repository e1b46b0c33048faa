/**
 * Fault: kill -9 of the built service while a blue/green rebuild runs. The live views must be untouched by the
 * half-built generation file, the restarted service must serve and follow the log from its checkpoint, and a
 * later rebuild must succeed over the leftovers with the digests of the live views, leaving no other generation.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startChildApp, type ChildApp } from '../support/child-app';
import {
  call,
  caughtUpDigests,
  maxPosition,
  projections,
  rawEvents,
  rebuildAndWait,
  recordMeeting,
  timelineIds,
  until,
} from '../support/faults/service-client';

jest.setTimeout(240_000);

/** Many participants each: every development lands on many timelines, so a rebuild takes a while. */
const COUNTRIES =
  'CN KP KR AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM'.split(
    ' ',
  );
const PARTICIPANTS = COUNTRIES.map((country, i) => ({ name: `Delegate ${i}`, country }));

/** The generation file of the views that serves (named by `views.current`; `views.db` before any rebuild). */
function servingFile(dir: string): string {
  const pointer = join(dir, 'views.current');
  return existsSync(pointer) ? join(dir, readFileSync(pointer, 'utf8').trim()) : join(dir, 'views.db');
}

/** Generation files of the views other than the serving one: a rebuild's, in progress or left by a kill. */
const scratchGenerations = (dir: string): string[] =>
  readdirSync(dir)
    .filter((name) => /^views(-\d+)?\.db$/.test(name) && join(dir, name) !== servingFile(dir))
    .sort((a, b) => Number(/\d+/.exec(b)?.[0] ?? 0) - Number(/\d+/.exec(a)?.[0] ?? 0));

/** Bytes of every file in the data directory (logs, views, their -wal and -shm). */
const dataBytes = (dir: string): number => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

/** Reads a views file with a connection of the test's own (a few quick reads: the service waits on them at most briefly). */
function inspect<T>(file: string, query: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 2_000 });
  try {
    return query(db);
  } finally {
    db.close();
  }
}

/** Rows the rebuild has written so far into the developments' main table of the generation it builds. */
const builtRows = (dir: string): number => {
  const [building] = scratchGenerations(dir);
  if (!building) return 0;
  try {
    return inspect(join(dir, building), (db) => {
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'dev_versions'").get();
      return exists ? Number((db.prepare('SELECT count(*) AS n FROM dev_versions').get() as { n: number }).n) : 0;
    });
  } catch {
    // Created but not yet written (no schema yet), or deleted meanwhile.
    return 0;
  }
};

/**
 * Starts a rebuild, runs `meanwhile` (not awaited) and kills the service once the rebuild has written
 * `killAtRows` developments into the generation it builds; then starts it again on the same data, whatever happened.
 */
async function killDuringRebuild(
  ctx: { app?: ChildApp },
  dir: string,
  env: Record<string, string>,
  killAtRows: number,
  meanwhile?: (url: string) => Promise<void>,
) {
  const url = ctx.app!.url;
  try {
    const accepted = await call(url, 'POST', '/api/projections/rebuild');
    expect(accepted.status).toBe(202);
    const background = meanwhile?.(url).catch(() => undefined);
    const rows = await until(
      'the rebuild to reach the kill point',
      30_000,
      async () => {
        const n = builtRows(dir);
        return n >= killAtRows ? n : undefined;
      },
      5,
    );
    const statuses = await projections(url);
    const leftovers = scratchGenerations(dir);
    await ctx.app!.kill9();
    await background;
    process.stdout.write(`killed with ${rows} developments built, leftovers: ${leftovers.join(' ')}\n`);
    return { rows, rebuildingAtKill: statuses?.some((p) => p.status === 'rebuilding') ?? false, leftovers };
  } finally {
    if (ctx.app!.process.exitCode === null && ctx.app!.process.signalCode === null) await ctx.app!.kill9();
    ctx.app = await startChildApp(env);
  }
}

describe('faults: kill -9 during a projection rebuild', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-kill-rebuild-'));
  const env = { DATA_DIR: dir, SQLITE_SYNCHRONOUS: 'normal' };
  const ctx: { app?: ChildApp } = {};
  let seeded: Record<string, string>;
  let rebuildMs = 0;
  let diskBefore = 0;
  let diskAfter = 0;
  const acknowledged: Array<{ developmentId: string; position: string }> = [];

  beforeAll(async () => {
    ctx.app = await startChildApp(env);
    const app = ctx.app;
    const started = Date.now();
    // 3000 developments in imports of 250 lines: each body stays well under the 1 MiB request limit.
    for (let chunk = 0; chunk < 12; chunk++) {
      const lines = Array.from({ length: 250 }, (_, i) =>
        JSON.stringify({
          kind: 'meeting',
          occurredOn: `20${10 + (i % 10)}-0${1 + (i % 9)}-1${i % 10}`,
          title: `Bulk ${chunk}-${i}`,
          summary: 'Talks. '.repeat(60),
          participants: PARTICIPANTS,
        }),
      ).join('\n');
      const imported = await call(app.url, 'POST', '/api/import', lines, { 'content-type': 'application/x-ndjson' }, 120_000);
      expect({ status: imported.status, accepted: imported.json?.accepted }).toEqual({ status: 200, accepted: 250 });
    }
    seeded = await caughtUpDigests(app.url, 120_000);
    diskBefore = dataBytes(dir);
    const rebuildStarted = Date.now();
    // A first, uninterrupted rebuild: its digests must equal the live views', and it tells how long one takes.
    expect(await rebuildAndWait(app.url, 120_000)).toEqual(seeded);
    rebuildMs = Date.now() - rebuildStarted;
    diskAfter = dataBytes(dir);
    process.stdout.write(`seeded 3000 developments in ${rebuildStarted - started} ms; a rebuild takes ${rebuildMs} ms\n`);
  }, 200_000);

  afterAll(async () => {
    await ctx.app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes long enough to be killed in the middle (a precondition of the tests below)', () => {
    expect(rebuildMs).toBeGreaterThan(1_000);
  });

  it('gives the space of the replaced views back: the data directory after a rebuild is at most 1.2 times its size before', () => {
    expect({ diskBefore, diskAfter, ratio: diskAfter / diskBefore }).toEqual(expect.objectContaining({ ratio: expect.any(Number) }));
    expect(diskAfter / diskBefore).toBeLessThanOrEqual(1.2);
  });

  it('killed early in a rebuild, the restarted service serves the old views intact: digests equal those before the kill', async () => {
    const killed = await killDuringRebuild(ctx, dir, env, 500);
    expect(killed).toEqual(expect.objectContaining({ rebuildingAtKill: true, leftovers: expect.arrayContaining([expect.any(String)]) }));
    expect(await caughtUpDigests(ctx.app!.url)).toEqual(seeded);
    // The restarted service, once it writes the views, deletes the half-built generation.
    expect(scratchGenerations(dir)).toEqual([]);
    expect((await call(ctx.app!.url, 'GET', '/health/ready')).status).toBe(200);
  });

  it('killed late in a rebuild with writes during it: no acknowledged write lost, the writes reach their timeline', async () => {
    const killed = await killDuringRebuild(ctx, dir, env, 2_500, async (url) => {
      for (let i = 0; i < 5; i++) {
        const answer = await recordMeeting(url, `written during the rebuild ${i}`, 'KZ');
        if (answer.status === 201) acknowledged.push(answer.json);
      }
    });
    expect(killed).toEqual(expect.objectContaining({ rebuildingAtKill: true }));
    expect(acknowledged.length).toBeGreaterThan(0);
    const url = ctx.app!.url;
    const stored = new Set((await rawEvents(url)).map((e) => e.data?.developmentId as string));
    expect(acknowledged.filter((a) => !stored.has(a.developmentId))).toEqual([]);
    const shown = await timelineIds(url, 'KZ', maxPosition(acknowledged.map((a) => a.position)));
    expect(acknowledged.filter((a) => !shown.includes(a.developmentId))).toEqual([]);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('a later rebuild succeeds over the leftovers: digests equal the live views, and no other generation remains', async () => {
    const live = await caughtUpDigests(ctx.app!.url);
    expect(live).not.toEqual(seeded); // the writes during the killed rebuild changed the views
    expect(await rebuildAndWait(ctx.app!.url, 120_000)).toEqual(live);
    expect(scratchGenerations(dir)).toEqual([]);
    expect((await projections(ctx.app!.url))?.every((p) => p.status === 'running')).toBe(true);
  });

  it('keeps following the log after all this: a new write appears on its timeline', async () => {
    const answer = await recordMeeting(ctx.app!.url, 'after the recovery', 'KZ');
    expect(answer.status).toBe(201);
    const shown = await timelineIds(ctx.app!.url, 'KZ', answer.json.position);
    expect(shown).toContain(answer.json.developmentId);
    const live = await caughtUpDigests(ctx.app!.url);
    expect(await rebuildAndWait(ctx.app!.url, 120_000)).toEqual(live);
  });

  it('a runner lock file left by the killed process does not stall the views: its OS lock died with the process', async () => {
    await ctx.app!.kill9();
    expect(existsSync(join(dir, 'views.db.runner.lock'))).toBe(true);
    ctx.app = await startChildApp(env);
    const answer = await recordMeeting(ctx.app.url, 'after a restart over a stale lock', 'KZ');
    expect(answer.status).toBe(201);
    const read = await call(ctx.app.url, 'GET', `/api/countries/KZ/timeline?limit=1&minPosition=${answer.json.position}`);
    expect({ status: read.status, text: read.text.slice(0, 300) }).toEqual({ status: 200, text: read.text.slice(0, 300) });
  });
});
