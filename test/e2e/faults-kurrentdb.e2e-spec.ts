/**
 * Faults of the KurrentDB event store, with the real client against the in-process gRPC double (views on SQLite):
 * subscriptions dropped by the server while writes go on, and the node unreachable for a few seconds.
 *
 * The double cannot be restarted on the same port (`startKurrentDbDouble()` binds a random port and keeps its log
 * in memory, so a restart would also lose every event): the outage is made by a TCP proxy in front of it that
 * resets every connection and refuses new ones, then accepts again on the same port, with the log intact; and a
 * partition by the same proxy keeping every connection open but silent.
 */
import { startKurrentDbDouble, type KurrentDbDouble } from '../support/kurrentdb-double';
import { startTcpProxy, type TcpProxy } from '../support/faults/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  call,
  caughtUpDigests,
  cleanServerProblem,
  maxPosition,
  rawEvents,
  rebuildAndWait,
  recordMeeting,
  sample,
  sleep,
  until,
  type Answer,
} from '../support/faults/service-client';

jest.setTimeout(120_000);

/** Every item of the CN timeline whose title starts with `prefix`, read at `minPosition`. */
async function timelineItems(app: TestApp, prefix: string, minPosition: string): Promise<Array<{ developmentId: string; title: string }>> {
  const items: Array<{ developmentId: string; title: string }> = [];
  let query = `limit=500&minPosition=${minPosition}`;
  for (let page = 0; page < 100; page++) {
    const answer = await call(app.url, 'GET', `/api/countries/CN/timeline?${query}`);
    if (answer.status !== 200) throw new Error(`timeline answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    items.push(...answer.json.items);
    if (!answer.json.nextCursor) return items.filter((item) => item.title.startsWith(prefix));
    query = `limit=500&cursor=${encodeURIComponent(answer.json.nextCursor)}`;
  }
  throw new Error('the timeline did not end within 100 pages');
}

/** The developments with a title starting with `prefix` that the log holds, each once. */
async function logged(app: TestApp, prefix: string): Promise<string[]> {
  const events = await rawEvents(app.url);
  return events
    .filter((e) => e.type === 'MeetingHeld' && String(e.data?.title).startsWith(prefix))
    .map((e) => e.data.developmentId as string);
}

describe('faults: KurrentDB event store', () => {
  let double: KurrentDbDouble;
  let proxy: TcpProxy;
  let app: TestApp;

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    proxy = await startTcpProxy('127.0.0.1', Number(new URL(double.url.replace(/^kurrentdb:/, 'http:')).port));
    app = await startTestApp({
      EVENT_STORE: 'kurrentdb',
      KURRENTDB_URL: `kurrentdb://127.0.0.1:${proxy.port}?tls=false`,
      READ_STORE: 'sqlite',
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await double?.stop();
  });

  describe('subscriptions dropped by the server while writing', () => {
    const acknowledged: Array<{ developmentId: string; position: string }> = [];
    const failures: Answer[] = [];
    let drops = 0;

    beforeAll(async () => {
      // Rounds of a burst of concurrent appends with a drop in their midst, then a pause for the runner to resubscribe.
      for (let round = 0; round < 15; round++) {
        const burst = Array.from({ length: 10 }, (_, i) => recordMeeting(app.url, `drop test ${round}-${i}`));
        await sleep(round % 5);
        double.dropSubscriptions();
        drops++;
        for (const answer of await Promise.all(burst)) {
          if (answer.status === 201) acknowledged.push(answer.json);
          else failures.push(answer);
        }
        await sleep(150);
      }
    });

    it('appends are not failed by the drops (they are idempotent: a transient UNAVAILABLE is retried)', () => {
      expect(drops).toBeGreaterThan(3);
      expect(failures.map((f) => `${f.status} ${f.text.slice(0, 200)}`)).toEqual([]);
      process.stdout.write(`KurrentDB drops: ${drops} drops, ${acknowledged.length} acknowledged\n`);
    });

    it('the runner resubscribes: every logged write is on its timeline exactly once, all acknowledged ones among them', async () => {
      expect(acknowledged.length).toBeGreaterThan(0);
      const items = await timelineItems(app, 'drop test', maxPosition(acknowledged.map((a) => a.position)));
      const stored = await logged(app, 'drop test');
      expect(acknowledged.filter((a) => !stored.includes(a.developmentId))).toEqual([]);
      expect(items.map((item) => item.developmentId).sort()).toEqual([...stored].sort());
    });

    it('the views equal a rebuild from the log (digests)', async () => {
      const live = await caughtUpDigests(app.url);
      expect(await rebuildAndWait(app.url)).toEqual(live);
    });
  });

  describe('the node unreachable for 2.5 s (connections reset and refused), then back on the same address', () => {
    const acknowledged: Array<{ developmentId: string; position: string }> = [];
    const during: Answer[] = [];
    let samples: Answer[] = [];
    let cutAt = 0;
    let restoredAt = 0;
    let readyAgainAfter = 0;

    beforeAll(async () => {
      const before = await recordMeeting(app.url, 'outage test before');
      expect(before.status).toBe(201);
      acknowledged.push(before.json);
      await caughtUpDigests(app.url);
      await proxy.cut();
      cutAt = Date.now();
      const ready = sample(app.url, '/health/ready', 200);
      while (Date.now() - cutAt < 2_500) {
        during.push(await recordMeeting(app.url, `outage test during ${during.length}`));
        await sleep(300);
      }
      await proxy.restore();
      restoredAt = Date.now();
      readyAgainAfter = await until(
        'ready again after the restore',
        30_000,
        async () => {
          const answer = await call(app.url, 'GET', '/health/ready');
          return answer.status === 200 ? Date.now() - restoredAt : undefined;
        },
        100,
      );
      samples = await ready.stop();
      for (const answer of during) if (answer.status === 201) acknowledged.push(answer.json);
      process.stdout.write(
        `KurrentDB outage: ready ${samples.map((a) => `${a.sentAt - cutAt}ms:${a.status}(${a.ms}ms)`).join(' ')}; ` +
          `writes ${during.map((a) => `${a.status}(${a.ms}ms)`).join(' ')}; ready again ${readyAgainAfter} ms after the restore\n`,
      );
    });

    it('/health/ready answers 503 (quickly) while the node is unreachable', () => {
      const whileCut = samples.filter((a) => a.sentAt >= cutAt + 300 && a.sentAt < restoredAt);
      expect(whileCut.length).toBeGreaterThan(0);
      expect(
        whileCut.filter((a) => a.status !== 503 || a.ms > 3_000).map((a) => `${a.status} in ${a.ms} ms ${a.text.slice(0, 300)}`),
      ).toEqual([]);
    });

    it('the 503 of /health/ready says which check failed (terminus details, or the checks of a problem: eventStore down)', () => {
      const answer = samples.find((a) => a.sentAt >= cutAt + 300 && a.sentAt < restoredAt && a.status === 503);
      expect({ eventStore: (answer?.json?.details ?? answer?.json?.checks)?.eventStore?.status, body: answer?.text }).toEqual({
        eventStore: 'down',
        body: answer?.text,
      });
    });

    it('writes meanwhile land (201) or are refused with a clean problem within 10 s, never a hang', () => {
      expect(during.length).toBeGreaterThan(0);
      for (const answer of during) {
        if (answer.status !== 201)
          expect({ clean: cleanServerProblem(answer), text: answer.text }).toEqual({ clean: true, text: answer.text });
        expect(answer.ms).toBeLessThan(10_000);
      }
    });

    it('the refused writes answer 503 with Retry-After (the store is unavailable, not broken)', () => {
      for (const answer of during.filter((a) => a.status !== 201))
        expect({ status: answer.status, retryAfter: answer.headers.get('retry-after'), text: answer.text }).toEqual({
          status: 503,
          retryAfter: expect.any(String),
          text: answer.text,
        });
    });

    it('recovers by itself: ready within 10 s, new writes reach the timeline, nothing acknowledged lost, digests equal a rebuild', async () => {
      expect(readyAgainAfter).toBeLessThan(10_000);
      const after = await recordMeeting(app.url, 'outage test after');
      expect(after.status).toBe(201);
      acknowledged.push(after.json);
      const items = await timelineItems(app, 'outage test', after.json.position);
      const stored = await logged(app, 'outage test');
      // The timeline shows exactly what the log holds (a refused write may still have landed), and every acknowledged write.
      expect(acknowledged.filter((a) => !stored.includes(a.developmentId))).toEqual([]);
      expect(items.map((item) => item.developmentId).sort()).toEqual([...stored].sort());
      const live = await caughtUpDigests(app.url);
      expect(await rebuildAndWait(app.url)).toEqual(live);
    });
  });

  describe('the network to the node silent for 5 s (a partition), then healed', () => {
    let ready: Answer[] = [];
    let write: Answer;
    let frozenAt = 0;
    let restoredAt = 0;

    beforeAll(async () => {
      await caughtUpDigests(app.url);
      proxy.freeze();
      frozenAt = Date.now();
      const sampler = sample(app.url, '/health/ready', 200);
      const writing = recordMeeting(app.url, 'partition test during');
      await sleep(5_000);
      await proxy.restore();
      restoredAt = Date.now();
      write = await writing;
      await until(
        'ready again',
        30_000,
        async () => ((await call(app.url, 'GET', '/health/ready')).status === 200 ? true : undefined),
        100,
      );
      ready = await sampler.stop();
      process.stdout.write(
        `KurrentDB partition: ready ${ready.map((a) => `${a.sentAt - frozenAt}ms:${a.status}(${a.ms}ms)`).join(' ')}; write ${write.status}(${write.ms}ms)\n`,
      );
    });

    it('/health/ready answers 503 within 3 s while the node does not answer (no hang until the network heals)', () => {
      const during = ready.filter((a) => a.sentAt >= frozenAt && a.sentAt < restoredAt);
      expect(
        during.filter((a) => a.status !== 503 || a.ms > 3_000).map((a) => `${a.sentAt - frozenAt}ms: ${a.status} in ${a.ms} ms`),
      ).toEqual([]);
    });

    it('a write meanwhile lands or is refused with a clean problem; afterwards writes reach the timeline and digests equal a rebuild', async () => {
      if (write.status !== 201) expect({ clean: cleanServerProblem(write), text: write.text }).toEqual({ clean: true, text: write.text });
      const after = await recordMeeting(app.url, 'partition test after');
      expect(after.status).toBe(201);
      const items = await timelineItems(app, 'partition test', after.json.position);
      const stored = await logged(app, 'partition test');
      expect(items.map((item) => item.developmentId).sort()).toEqual([...stored].sort());
      expect(stored).toContain(after.json.developmentId);
      if (write.status === 201) expect(stored).toContain(write.json.developmentId);
      const live = await caughtUpDigests(app.url);
      expect(await rebuildAndWait(app.url)).toEqual(live);
    });
  });
});
