/**
 * Fault: the PostgreSQL read store going away and coming back, without stopping the shared server: the app's
 * database refuses connections (ALLOW_CONNECTIONS false) and every backend on it is terminated, for ~2.5 s;
 * then two replicas losing the runner lease that way; then a silent network (a partition, through a TCP proxy)
 * ended by connection resets, against the built service (`npm run build` first) so a crash shows as an exit.
 * The event store (SQLite) is unaffected: writes must go on, the views must catch up by themselves afterwards.
 */
import pg from 'pg';
import { adminUrl } from '../support/postgres';
import { createDedicatedDatabase } from '../support/faults/postgres-database';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildApp, type ChildApp } from '../support/child-app';
import { startTcpProxy, type TcpProxy } from '../support/faults/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  call,
  caughtUpDigests,
  cleanServerProblem,
  maxPosition,
  rebuildAndWait,
  recordMeeting,
  sample,
  sleep,
  timelineIds,
  until,
  type Answer,
} from '../support/faults/service-client';

jest.setTimeout(120_000);

const OUTAGE_MS = 2_500;

/** Refuses new connections to `name` and terminates its backends (all but the admin's own) every 100 ms for `ms`. */
async function outage(admin: pg.Client, name: string, ms: number, meanwhile: () => Promise<void> = () => sleep(100)): Promise<number> {
  let terminated = 0;
  const start = Date.now();
  await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
  try {
    const killer = (async () => {
      while (Date.now() - start < ms) {
        const { rowCount } = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
        terminated += rowCount ?? 0;
        await sleep(100);
      }
    })();
    while (Date.now() - start < ms) await meanwhile();
    await killer;
  } finally {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
  }
  return terminated;
}

describe('faults: the PostgreSQL read store unavailable for a while', () => {
  let database: { name: string; url: string; drop: () => Promise<void> };
  let name: string;
  let admin: pg.Client;
  let app: TestApp;
  const acknowledged: Array<{ developmentId: string; position: string }> = [];
  const writes: Answer[] = [];
  const reads: Answer[] = [];
  let ready: Answer[] = [];
  let outageStart = 0;
  let outageEnd = 0;
  let terminated = 0;
  let readyAgainAfter = 0;

  beforeAll(async () => {
    database = await createDedicatedDatabase();
    name = database.name;
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    app = await startTestApp({ READ_STORE: 'postgres', DATABASE_URL: database.url });
    for (let i = 0; i < 3; i++) {
      const answer = await recordMeeting(app.url, `before the outage ${i}`);
      expect(answer.status).toBe(201);
      acknowledged.push(answer.json);
    }
    await caughtUpDigests(app.url);

    const sampler = sample(app.url, '/health/ready', 200);
    outageStart = Date.now();
    let i = 0;
    terminated = await outage(admin, name, OUTAGE_MS, async () => {
      writes.push(await recordMeeting(app.url, `during the outage ${i++}`));
      reads.push(await call(app.url, 'GET', '/api/countries/CN/timeline?limit=5'));
      await sleep(200);
    });
    outageEnd = Date.now();
    readyAgainAfter = await until(
      'ready again',
      30_000,
      async () => ((await call(app.url, 'GET', '/health/ready')).status === 200 ? Date.now() - outageEnd : undefined),
      100,
    );
    ready = await sampler.stop();
    for (const answer of writes) if (answer.status === 201) acknowledged.push(answer.json);
    process.stdout.write(
      `PostgreSQL outage: ${terminated} backends terminated; ready ${ready.map((a) => `${a.sentAt - outageStart}ms:${a.status}(${a.ms}ms)`).join(' ')}; ` +
        `reads ${reads.map((a) => `${a.status}(${a.ms}ms)`).join(' ')}; ready again ${readyAgainAfter} ms after the end\n`,
    );
  }, 90_000);

  afterAll(async () => {
    if (admin) await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await app?.close();
    await admin?.end();
    await database?.drop();
  });

  it('really cut the app off: backends were terminated', () => {
    expect(terminated).toBeGreaterThan(0);
  });

  it('writes to the event store succeed (201) while the read store is away', () => {
    expect(writes.length).toBeGreaterThan(2);
    expect(writes.filter((w) => w.status !== 201).map((w) => `${w.status} ${w.text.slice(0, 300)}`)).toEqual([]);
  });

  it('/health/ready answers 503 while the read store is away', () => {
    const during = ready.filter((a) => a.sentAt >= outageStart + 300 && a.sentAt + a.ms <= outageEnd);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((a) => a.status !== 503).map((a) => `${a.sentAt - outageStart}ms: ${a.status} ${a.text.slice(0, 300)}`)).toEqual(
      [],
    );
  });

  it('reads meanwhile answer 200 or a clean 5xx problem (no stack), quickly', () => {
    for (const answer of reads) {
      if (answer.status !== 200)
        expect({ clean: cleanServerProblem(answer), text: answer.text }).toEqual({ clean: true, text: answer.text });
      expect(answer.ms).toBeLessThan(5_000);
    }
  });

  it('reads refused meanwhile answer 503 with Retry-After (the views are unavailable, not broken)', () => {
    for (const answer of reads.filter((a) => a.status !== 200))
      expect({ status: answer.status, retryAfter: answer.headers.get('retry-after'), text: answer.text }).toEqual({
        status: 503,
        retryAfter: expect.any(String),
        text: answer.text,
      });
  });

  it('recovers by itself: ready again within 10 s of the end of the outage', () => {
    expect(readyAgainAfter).toBeLessThan(10_000);
  });

  it('the runner catches up by itself: every acknowledged write is on its timeline, once', async () => {
    const shown = await timelineIds(app.url, 'CN', maxPosition(acknowledged.map((a) => a.position)));
    expect(acknowledged.filter((a) => !shown.includes(a.developmentId))).toEqual([]);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('keeps following the log: a new write is on its timeline, and the digests equal a rebuild', async () => {
    const answer = await recordMeeting(app.url, 'after the outage');
    expect(answer.status).toBe(201);
    expect(await timelineIds(app.url, 'CN', answer.json.position)).toContain(answer.json.developmentId);
    const live = await caughtUpDigests(app.url);
    expect(await rebuildAndWait(app.url)).toEqual(live);
  });
});

describe('faults: two replicas on one PostgreSQL read store, the active one losing its lease connection', () => {
  let database: { name: string; url: string; drop: () => Promise<void> };
  let admin: pg.Client;
  let first: TestApp;
  let second: TestApp;
  /** A replica runs the projections when it accepts a rebuild (a standby answers 503); a small one is enough. */
  const accepts = async (app: TestApp) => (await call(app.url, 'POST', '/api/projections/rebuild?projection=organizations')).status;

  beforeAll(async () => {
    database = await createDedicatedDatabase();
    admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    first = await startTestApp({ READ_STORE: 'postgres', DATABASE_URL: database.url });
    second = await startTestApp({ READ_STORE: 'postgres', DATABASE_URL: database.url, DATA_DIR: first.dataDir });
    await until('the first replica to be active', 10_000, async () => ((await accepts(first)) === 202 ? true : undefined), 200);
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await admin?.end();
    await database?.drop();
  });

  it('before the outage exactly one replica runs the projections', async () => {
    expect([await accepts(first), await accepts(second)].sort()).toEqual([202, 503]);
  });

  it('after the outage still exactly one does (a runner that lost its lease connection must stop or take it back)', async () => {
    expect(await outage(admin, database.name, OUTAGE_MS)).toBeGreaterThan(0);
    await until(
      'both ready again',
      30_000,
      async () => {
        const statuses = await Promise.all([first, second].map((app) => call(app.url, 'GET', '/health/ready')));
        return statuses.every((a) => a.status === 200) ? true : undefined;
      },
      200,
    );
    await sleep(3_000); // the standby polls for the lease every second
    expect([await accepts(first), await accepts(second)].sort()).toEqual([202, 503]);
  });

  it('the views converge: a write through either replica is on its timeline, once, and the digests equal a rebuild', async () => {
    const a = await recordMeeting(first.url, 'two replicas A');
    const b = await recordMeeting(second.url, 'two replicas B');
    expect([a.status, b.status]).toEqual([201, 201]);
    const minPosition = maxPosition([a.json.position, b.json.position]);
    for (const app of [first, second]) {
      const shown = await timelineIds(app.url, 'CN', minPosition);
      expect(shown.filter((id) => id === a.json.developmentId || id === b.json.developmentId)).toHaveLength(2);
    }
    const active = (await accepts(first)) === 202 ? first : second;
    const live = await caughtUpDigests(active.url);
    expect(await rebuildAndWait(active.url)).toEqual(live);
  });
});

describe('faults: the network to PostgreSQL silent for 4 s (a partition), then its connections reset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-pg-partition-'));
  let database: { name: string; url: string; drop: () => Promise<void> };
  let proxy: TcpProxy;
  let app: ChildApp;
  let stderr = '';
  const acknowledged: Array<{ developmentId: string; position: string }> = [];
  let ready: Answer[] = [];
  let read: Answer;
  let frozenAt = 0;
  let restoredAt = 0;

  beforeAll(async () => {
    database = await createDedicatedDatabase();
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(database.url).port || 5432));
    const url = new URL(database.url);
    url.port = String(proxy.port);
    app = await startChildApp({ DATA_DIR: dir, READ_STORE: 'postgres', DATABASE_URL: url.toString(), LOG_LEVEL: 'fatal' });
    app.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const before = await recordMeeting(app.url, 'before the partition');
    expect(before.status).toBe(201);
    acknowledged.push(before.json);
    await caughtUpDigests(app.url);
    proxy.freeze();
    frozenAt = Date.now();
    const sampler = sample(app.url, '/health/ready', 200);
    const reading = call(app.url, 'GET', '/api/countries/CN/timeline?limit=5', undefined, {}, 20_000);
    const during = await recordMeeting(app.url, 'during the partition');
    if (during.status === 201) acknowledged.push(during.json);
    await sleep(4_000);
    await proxy.restore();
    restoredAt = Date.now();
    read = await reading;
    await sleep(1_500);
    ready = await sampler.stop();
    process.stdout.write(
      `PostgreSQL partition: ready ${ready.map((a) => `${a.sentAt - frozenAt}ms:${a.status}(${a.ms}ms)`).join(' ')}; read ${read.status}(${read.ms}ms); write ${during.status}(${during.ms}ms)\n`,
    );
  }, 60_000);

  afterAll(async () => {
    if (app?.process.exitCode === null) await app.stop();
    await proxy?.stop();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the service survives connections reset under its queries (no crash on an unhandled pg client error)', () => {
    const tail = stderr.slice(0, 800);
    expect({ exitCode: app.process.exitCode, stderr: tail }).toEqual({ exitCode: null, stderr: tail });
  });

  it('/health/ready answers 503 within 3 s while PostgreSQL does not answer (no hang until the network heals)', () => {
    const during = ready.filter((a) => a.sentAt >= frozenAt && a.sentAt < restoredAt);
    expect(during.length).toBeGreaterThan(0);
    expect(
      during.filter((a) => a.status !== 503 || a.ms > 3_000).map((a) => `${a.sentAt - frozenAt}ms: ${a.status} in ${a.ms} ms`),
    ).toEqual([]);
  });

  it('a read meanwhile answers within 5 s (a 503 problem), not when the network heals', () => {
    expect({ status: read.status, ms: read.ms < 5_000 }).toEqual({ status: 503, ms: true });
  });

  it('recovers by itself: ready, the writes on their timeline, digests equal a rebuild', async () => {
    expect({ exitCode: app.process.exitCode }).toEqual({ exitCode: null }); // dead services do not recover
    await until('ready again', 20_000, async () => ((await call(app.url, 'GET', '/health/ready')).status === 200 ? true : undefined), 200);
    const shown = await timelineIds(app.url, 'CN', maxPosition(acknowledged.map((a) => a.position)));
    expect(acknowledged.filter((a) => !shown.includes(a.developmentId))).toEqual([]);
    const live = await caughtUpDigests(app.url);
    expect(await rebuildAndWait(app.url)).toEqual(live);
  });
});
