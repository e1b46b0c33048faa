'use strict';
/**
 * Full rebuild of every view (`runner.rebuild()`) on a generated log, against reading and JSON-parsing the same log
 * with plain better-sqlite3. Each side runs in its own child process, so the peak RSS is the rebuild's own:
 * sampled with process.memoryUsage().rss every 50 ms AND taken from the kernel's high-water mark
 * (process.resourceUsage().maxRSS), because a rebuild that never yields to the timers would starve the sampler.
 * The rebuild leaves the views (a new generation file, see view-generations.ts) caught up to the head in the data
 * dir, ready for the HTTP read benchmark.
 *
 *   node bench/rebuild.bench.js --dir <data dir with events.db>      (parent: runs both children)
 */
const path = require('node:path');
const { dist, runChild, childMain, maxRssMb, round } = require('./common');

/** Child: read + parse the whole log with plain better-sqlite3. */
async function rawRead(dir) {
  const Database = require('better-sqlite3');
  const db = new Database(path.join(dir, 'events.db'), { readonly: true });
  // Same batches as the store's readAll (keyset by position, 1000 rows), so both read the log the same way.
  const statement = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT 1000');
  const passes = [];
  let events = 0;
  for (let pass = 0; pass < 2; pass++) {
    // Pass 1 warms the page cache like the rebuild's first projection does; pass 2 is the figure.
    const start = process.hrtime.bigint();
    let after = 0;
    let count = 0;
    let checksum = 0;
    for (;;) {
      const rows = statement.all(after);
      for (const row of rows) {
        const data = JSON.parse(row.data);
        const metadata = JSON.parse(row.metadata);
        checksum += Object.keys(data).length + metadata.schemaVersion;
        count++;
      }
      if (rows.length < 1000) break;
      after = rows[rows.length - 1].position;
    }
    passes.push(Number(process.hrtime.bigint() - start) / 1e9);
    events = count;
    if (checksum === 0) throw new Error('nothing read');
  }
  db.close();
  return { events, seconds: passes[1], eventsPerSecond: events / passes[1], firstPassSeconds: passes[0], peakRssMb: maxRssMb() };
}

/** Child: `runner.rebuild()` of every projection (one pass over the log). */
async function rebuild(dir) {
  const { SqliteEventStore } = dist('libs/event-store/src');
  const { ProjectionRunner, ALL_PROJECTIONS } = dist('libs/projections/src');
  const { openSqliteReadDatabase } = dist('libs/read-store/src');
  let sampledPeak = process.memoryUsage().rss;
  let samples = 0;
  const sampler = setInterval(() => {
    samples++;
    sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
  }, 50);
  const store = new SqliteEventStore({ filename: path.join(dir, 'events.db'), synchronous: 'full' });
  const read = openSqliteReadDatabase(path.join(dir, 'views.db'));
  const runner = new ProjectionRunner(store, read, ALL_PROJECTIONS);
  try {
    await runner.init();
    const head = await store.headPosition();
    const start = process.hrtime.bigint();
    // Every projection from one pass over the log, as `POST /api/projections/rebuild` and `annals rebuild` do.
    await runner.rebuild();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (runner.position !== head) throw new Error(`rebuild ended at ${runner.position}, head is ${head}`);
    const events = Number(head);
    clearInterval(sampler);
    return {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      projections: runner.names(),
      peakRssMb: Math.max(maxRssMb(), sampledPeak / 1024 / 1024),
      sampledPeakRssMb: sampledPeak / 1024 / 1024,
      kernelPeakRssMb: maxRssMb(),
      rssSamples: samples,
      expectedSamples: Math.floor((seconds * 1000) / 50),
    };
  } finally {
    clearInterval(sampler);
    await read.close();
    await store.close();
  }
}

async function run({ dir, execArgv = [] }) {
  const raw = await runChild(__filename, ['--child-raw', dir], { execArgv, timeoutMs: 15 * 60_000 });
  const built = await runChild(__filename, ['--child-rebuild', dir], { execArgv, timeoutMs: 150 * 60_000 });
  return {
    rebuildRatioVsRawRead: round(built.eventsPerSecond / raw.eventsPerSecond, 3),
    rebuildPeakRssMb: round(built.peakRssMb, 1),
    rebuildEventsPerSecond: Math.round(built.eventsPerSecond),
    rawReadEventsPerSecond: Math.round(raw.eventsPerSecond),
    rebuild: {
      ...built,
      seconds: round(built.seconds, 2),
      eventsPerSecond: Math.round(built.eventsPerSecond),
      peakRssMb: round(built.peakRssMb, 1),
      sampledPeakRssMb: round(built.sampledPeakRssMb, 1),
      kernelPeakRssMb: round(built.kernelPeakRssMb, 1),
    },
    rawRead: {
      ...raw,
      seconds: round(raw.seconds, 2),
      firstPassSeconds: round(raw.firstPassSeconds, 2),
      eventsPerSecond: Math.round(raw.eventsPerSecond),
      peakRssMb: round(raw.peakRssMb, 1),
    },
  };
}

module.exports = { run };

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child-raw') childMain(() => rawRead(argv[1]));
  else if (argv[0] === '--child-rebuild') childMain(() => rebuild(argv[1]));
  else {
    const dir = argv[argv.indexOf('--dir') + 1];
    if (!argv.includes('--dir') || !dir) {
      console.error('usage: node bench/rebuild.bench.js --dir <data dir with events.db>');
      process.exit(2);
    }
    run({ dir }).then((result) => console.log(JSON.stringify(result, null, 2)));
  }
}
