'use strict';
/**
 * Projection lag under sustained writes, in one process as in the API (the runner follows the store live, woken by
 * its commit signal): MeetingHeld appends at a steady rate (500/s, each its own new stream, synchronous=FULL), and
 * for every event: (time the runner's position — the minimum over all projections — first reached it) minus (time
 * its append was acknowledged). The runner's progress is observed by wrapping its progress notification.
 * The baseline is the same write load with no runner: how fast appends are acknowledged on their own.
 *
 *   node bench/lag.bench.js [--quick]
 */
const path = require('node:path');
const { dist, tempDir, removeDir, prng, percentile, median, round, log, sleep } = require('./common');
const { meetingEvent } = require('./data-generator');

const now = () => performance.now();

/** Appends `rate` events/s for `seconds`, ticking every 5 ms; returns each event's (position, ack time). */
async function sustain(store, { rate, seconds, seed }) {
  const rng = prng(seed);
  const acks = [];
  const appendLatencies = [];
  const pending = new Set();
  const start = now();
  let sent = 0;
  const total = Math.round(rate * seconds);
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
    while (sent < due) {
      const { stream, event } = meetingEvent(rng, sent, Date.UTC(2025, 0, 1) + sent);
      const sentAt = now();
      const promise = store.append(stream, [event], { expectedRevision: 'no-stream' }).then((result) => {
        const at = now();
        acks.push({ position: result.position, at });
        appendLatencies.push(at - sentAt);
        pending.delete(promise);
      });
      pending.add(promise);
      sent++;
    }
    await sleep(5);
  }
  await Promise.all(pending);
  const elapsed = (now() - start) / 1000;
  return { acks, appendLatencies, achievedRate: total / elapsed, sent: total };
}

async function run({ quick = false } = {}) {
  const { SqliteEventStore } = dist('libs/event-store/src');
  const { ProjectionRunner, ALL_PROJECTIONS } = dist('libs/projections/src');
  const { openSqliteReadDatabase } = dist('libs/read-store/src');
  const rate = 500;
  const seconds = quick ? 5 : 10;

  // Baseline: the same load with nothing following.
  const baseDir = tempDir('lag-base');
  let baseline;
  try {
    const store = new SqliteEventStore({ filename: path.join(baseDir, 'events.db'), synchronous: 'full' });
    baseline = await sustain(store, { rate, seconds: Math.min(seconds, 3), seed: 5 });
    await store.close();
  } finally {
    removeDir(baseDir);
  }

  const dir = tempDir('lag');
  const store = new SqliteEventStore({ filename: path.join(dir, 'events.db'), synchronous: 'full' });
  const read = openSqliteReadDatabase(path.join(dir, 'views.db'));
  const runner = new ProjectionRunner(store, read, ALL_PROJECTIONS);
  const progress = []; // { at, position } each time the minimum position moved
  try {
    await runner.init();
    const notify = runner.notifyProgress.bind(runner);
    let last = runner.position;
    runner.notifyProgress = () => {
      const position = runner.position;
      if (position > last) {
        progress.push({ at: now(), position });
        last = position;
      }
      notify();
    };
    runner.start();
    const loaded = await sustain(store, { rate, seconds, seed: 6 });
    const head = await store.headPosition();
    const caughtUp = await runner.waitFor(head, 30_000);
    await runner.stop();

    // For each acknowledged event, the first progress record at or beyond its position.
    const acks = [...loaded.acks].sort((a, b) => (a.position < b.position ? -1 : 1));
    const lags = [];
    let cursor = 0;
    let missing = 0;
    for (const ack of acks) {
      while (cursor < progress.length && progress[cursor].position < ack.position) cursor++;
      if (cursor === progress.length) {
        missing++;
        continue;
      }
      lags.push(Math.max(0, progress[cursor].at - ack.at));
    }
    const result = {
      projectionLagP99Ms: round(percentile(lags, 99), 1),
      projectionLagP50Ms: round(percentile(lags, 50), 1),
      projectionLagMaxMs: round(Math.max(...lags), 1),
      events: loaded.sent,
      targetRate: rate,
      achievedRate: round(loaded.achievedRate, 1),
      seconds,
      caughtUp,
      eventsNeverReached: missing,
      progressSteps: progress.length,
      appendAckP99Ms: round(percentile(loaded.appendLatencies, 99), 1),
      baseline: {
        note: 'same load, no runner: append acknowledgement latency',
        appendAckP50Ms: round(median(baseline.appendLatencies), 2),
        appendAckP99Ms: round(percentile(baseline.appendLatencies, 99), 1),
        events: baseline.sent,
      },
      durability: 'events: WAL + synchronous=FULL; views: WAL + synchronous=NORMAL (the read database default)',
    };
    log(
      `  lag: p50 ${result.projectionLagP50Ms} ms, p99 ${result.projectionLagP99Ms} ms over ${loaded.sent} events at ${result.achievedRate}/s`,
    );
    return result;
  } finally {
    await read.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    removeDir(dir);
  }
}

module.exports = { run };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .finally(() => require('./common').cleanupTempDirs());
}
