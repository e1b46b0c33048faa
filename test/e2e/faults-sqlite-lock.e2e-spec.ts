/**
 * Fault: the SQLite files locked by ANOTHER process (a backup tool, a CLI, a second instance), against the built
 * service in a child process, so the test process keeps its own event loop and can time the service's answers.
 * Busy timeout: 5 s. A lock shorter than that must only delay writes; a longer one must fail them cleanly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildApp, type ChildApp } from '../support/child-app';
import {
  caughtUpDigests,
  cleanServerProblem,
  maxPosition,
  rawEvents,
  rebuildAndWait,
  recordMeeting,
  sample,
  sleep,
  timelineIds,
  until,
  type Answer,
} from '../support/faults/service-client';
import { holdSqliteLock, type SqliteLock } from '../support/faults/sqlite-locker';

jest.setTimeout(120_000);

const BUSY_TIMEOUT_MS = 5_000;
/** Longest a write may take during a lock: the busy timeout, plus scheduling slack. */
const WRITE_BOUND_MS = BUSY_TIMEOUT_MS + 1_500;
/** A liveness probe (Kubernetes' default timeoutSeconds is 1) must never wait on a lock. */
const LIVE_BOUND_MS = 1_000;

interface Observed {
  writes: Array<{ title: string; answer: Answer }>;
  ready: Answer[];
  live: Answer[];
  lockedAt: number;
  releasedAt: number;
}

/** Holds `file` for `holdMs` while writing one meeting every `writeEveryMs` and sampling both health probes. */
async function underLock(
  app: ChildApp,
  file: string,
  holdMs: number,
  label: string,
  writeCount: number,
  writeEveryMs: number,
): Promise<Observed> {
  const lock: SqliteLock = await holdSqliteLock(file, holdMs);
  const ready = sample(app.url, '/health/ready', 250);
  const live = sample(app.url, '/health/live', 250);
  try {
    const writes = await Promise.all(
      Array.from({ length: writeCount }, async (_, i) => {
        await sleep(i * writeEveryMs);
        const title = `${label} ${i}`;
        return { title, answer: await recordMeeting(app.url, title) };
      }),
    );
    const releasedAt = await lock.released;
    // Keep sampling long enough to see the recovery (the runner backs off up to 1 s between retries).
    await sleep(2500);
    return { writes, ready: await ready.stop(), live: await live.stop(), lockedAt: lock.lockedAt, releasedAt };
  } finally {
    lock.kill();
    await Promise.all([ready.stop(), live.stop()]);
  }
}

const summary = (answers: Answer[], since: number) => answers.map((a) => `${a.sentAt - since}ms:${a.status}(${a.ms}ms)`).join(' ');

describe('faults: SQLite files locked by another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-lock-'));
  let app: ChildApp;
  /** Acknowledged writes: development id and position. */
  const acknowledged: Array<{ developmentId: string; position: string }> = [];
  const failedTitles: string[] = [];
  const record = (observed: Observed) => {
    for (const { title, answer } of observed.writes) {
      if (answer.status === 201) acknowledged.push(answer.json);
      else failedTitles.push(title);
    }
  };
  let short: Observed;
  let long: Observed;
  let views: Observed;

  beforeAll(async () => {
    app = await startChildApp({ DATA_DIR: dir });
    for (let i = 0; i < 5; i++) {
      const answer = await recordMeeting(app.url, `before the lock ${i}`);
      expect(answer.status).toBe(201);
      acknowledged.push(answer.json);
    }
    // 3 s on events.db: shorter than the busy timeout, so writes should wait and succeed.
    short = await underLock(app, join(dir, 'events.db'), 3_000, 'short lock', 4, 300);
    record(short);
    // 8 s on events.db: longer than the busy timeout, so writes must fail cleanly (or succeed after the release).
    long = await underLock(app, join(dir, 'events.db'), 8_000, 'long lock', 3, 1_000);
    record(long);
    // 8 s on views.db: the event store is free, the projection runner cannot commit.
    views = await underLock(app, join(dir, 'views.db'), 8_000, 'views lock', 3, 1_000);
    record(views);
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes during a lock shorter than the busy timeout wait and succeed', () => {
    for (const { answer } of short.writes) expect({ status: answer.status, text: answer.text }).toEqual({ status: 201, text: answer.text });
  });

  it('writes during a lock longer than the busy timeout succeed or fail with a clean 5xx problem', () => {
    for (const { answer } of long.writes) {
      if (answer.status !== 201)
        expect({ clean: cleanServerProblem(answer), text: answer.text }).toEqual({ clean: true, text: answer.text });
    }
    expect(long.writes.some(({ answer }) => answer.status !== 201)).toBe(true); // the lock did outlast the timeout
  });

  it('the writes refused under the long lock answer 503 with Retry-After (the store is busy, not broken)', () => {
    for (const { answer } of long.writes.filter(({ answer }) => answer.status !== 201)) {
      expect({ status: answer.status, retryAfter: answer.headers.get('retry-after') !== null, text: answer.text }).toEqual({
        status: 503,
        retryAfter: true,
        text: answer.text,
      });
    }
  });

  it('no write hangs beyond the busy timeout', () => {
    const slow = [...short.writes, ...long.writes, ...views.writes].filter(({ answer }) => answer.ms > WRITE_BOUND_MS);
    expect(slow.map(({ title, answer }) => `${title}: ${answer.status} after ${answer.ms} ms`)).toEqual([]);
  });

  it('the service keeps answering /health/live while another process holds a lock (the event loop is not blocked)', () => {
    const stalls = [short, long, views].map((o, i) => ({
      lock: ['events.db 3 s', 'events.db 8 s', 'views.db 8 s'][i],
      slowest: Math.max(...o.live.map((a) => a.ms)),
      samples: summary(o.live, o.lockedAt),
    }));
    expect(stalls.filter((s) => s.slowest > LIVE_BOUND_MS)).toEqual([]);
  });

  it('/health/ready says 503 while events.db cannot be written, and 200 again by itself after the release', () => {
    const during = long.ready.filter((a) => a.sentAt >= long.lockedAt && a.sentAt < long.releasedAt);
    expect({ notReady: during.some((a) => a.status === 503), samples: summary(long.ready, long.lockedAt) }).toEqual(
      expect.objectContaining({ notReady: true }),
    );
    const after = long.ready.filter((a) => a.sentAt >= long.releasedAt + 100);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a.status === 200)).toBe(true);
  });

  it('/health/ready says 503 while the runner cannot write views.db, and 200 again by itself after the release', () => {
    // Sent while locked; when they are answered is the liveness test's business.
    const during = views.ready.filter((a) => a.sentAt >= views.lockedAt && a.sentAt < views.releasedAt);
    expect({ notReady: during.some((a) => a.status === 503), samples: summary(views.ready, views.lockedAt) }).toEqual(
      expect.objectContaining({ notReady: true }),
    );
    // The runner retries a failed batch with backoff (at most 1 s), so it recovers within about a second.
    const after = views.ready.filter((a) => a.sentAt >= views.releasedAt + 1500);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((a) => a.status === 200)).toBe(true);
  });

  it('writes to the event store succeed while views.db is locked', () => {
    for (const { answer } of views.writes) expect({ status: answer.status, text: answer.text }).toEqual({ status: 201, text: answer.text });
  });

  it('after the locks: writes succeed, nothing acknowledged is lost, nothing refused was half-written', async () => {
    const after = await recordMeeting(app.url, 'after the locks');
    expect(after.status).toBe(201);
    acknowledged.push(after.json);
    const events = await rawEvents(app.url);
    const ids = events.map((e) => e.data?.developmentId as string);
    for (const write of acknowledged) expect(ids.filter((id) => id === write.developmentId)).toHaveLength(1);
    const titles = new Set(events.map((e) => e.data?.title as string));
    expect(failedTitles.filter((title) => titles.has(title))).toEqual([]);
  });

  it('the views converge: every acknowledged write is on its timeline, the runner is healthy, digests equal a rebuild', async () => {
    await until('ready again', 20_000, async () => ((await fetch(`${app.url}/health/ready`)).status === 200 ? true : undefined));
    const shown = await timelineIds(app.url, 'CN', maxPosition(acknowledged.map((a) => a.position)));
    expect(acknowledged.filter((a) => !shown.includes(a.developmentId))).toEqual([]);
    expect(new Set(shown).size).toBe(shown.length);
    const live = await caughtUpDigests(app.url);
    expect(await rebuildAndWait(app.url)).toEqual(live);
  });
});
