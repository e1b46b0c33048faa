'use strict';
/**
 * Import of a realistic archive (bench/archive-generator.js) into the real service over HTTP, against appending the
 * same events with plain better-sqlite3 (bench/raw-append.js), measured in the same run:
 * - the service starts on an empty DATA_DIR (SAMPLE_DATA=false); one client streams the archive as NDJSON in
 *   requests of at most 1 MiB (`POST /api/import`), sequentially; rate = accepted lines ÷ seconds of importing;
 * - meanwhile a second client reads timelines (~10/s) and records meetings (~2/s), each sequentially: their p99;
 * - then the views catch up (`GET /api/projections` until every lag is 0) and the files are measured:
 *   (events.db + views.db + their -wal) ÷ developments; peak RSS of the service over the whole benchmark.
 * The data dir is left imported and caught up, with the service stopped, for the benchmarks that follow.
 *
 *   node bench/import.bench.js --developments=20000
 */
const { Archive } = require('./archive-generator');
const { startService, storeBytes } = require('./service');
const { request, latency, statusCounts } = require('./http-client');
const { rawAppendRate } = require('./raw-append');
const { tempDir, removeDir, round, log, sleep } = require('./common');
const path = require('node:path');

const MAX_REQUEST_BYTES = 1024 * 1024;

/** NDJSON bodies of at most 1 MiB each, with the kinds of their lines (to count developments afterwards). */
function* requests(lines) {
  let batch = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > MAX_REQUEST_BYTES && batch.length > 0) {
      yield { body: `${batch.join('\n')}\n`, lines: batch, bytes };
      batch = [];
      bytes = 0;
    }
    batch.push(line);
    bytes += size;
  }
  if (batch.length > 0) yield { body: `${batch.join('\n')}\n`, lines: batch, bytes };
}

const kindOf = (line) => /^\{"kind":"([a-z-]+)"/.exec(line)?.[1] || 'unknown';

/**
 * A paced sequential client: `act()` every `everyMs` until `stop()`; latencies and statuses of what it did.
 * A slow answer delays the next request (one client, no pile-up), as a person at a screen would.
 */
function pacedClient(act, everyMs) {
  const ms = [];
  const statuses = [];
  let errors = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const answer = await act();
        ms.push(answer.ms);
        statuses.push(answer.status);
      } catch {
        errors++;
        ms.push(performance.now() - started);
      }
      const wait = everyMs - (performance.now() - started);
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { latencyMs: latency(ms), statuses: statusCounts(statuses), errors };
    },
  };
}

/** Polls `GET /api/projections` until every projection is `running` at lag 0 (or the deadline). */
async function waitCaughtUp(url, timeoutMs) {
  const started = performance.now();
  let last;
  while (performance.now() - started < timeoutMs) {
    const answer = await request(url, 'GET', '/api/projections', { timeoutMs: 60_000, client: 'status' }).catch(() => undefined);
    if (answer && answer.status === 200) {
      last = answer.json();
      if (last.every((p) => p.lag === 0 && p.status === 'running'))
        return { caughtUp: true, ms: performance.now() - started, projections: last.length };
    }
    await sleep(250);
  }
  return { caughtUp: false, ms: performance.now() - started, last };
}

async function run({ dataDir, developments, seed = 7, quick = false, timeLimitMs }) {
  const limitMs = timeLimitMs || (quick ? 5 * 60_000 : 60 * 60_000);
  const archive = new Archive({ lines: developments, seed });
  const service = await startService({ dataDir });
  const notes = [];
  let accepted = 0;
  let lines = 0;
  let requestsSent = 0;
  const rejectedByCode = {};
  const rejectedSamples = [];
  const acceptedByKind = {};
  let importSeconds = 0;
  let midImportAt;
  let side;
  let reader;
  let writer;
  try {
    // The second client: a reader of timelines and a writer of meetings, at a modest pace.
    const sideArchive = new Archive({ lines: 1e9, seed: seed + 1000 });
    let reads = 0;
    const readCountries = ['US', 'CN', 'RU', 'FR', 'BR', 'ZA'];
    reader = pacedClient(
      () =>
        request(
          service.url,
          'GET',
          `/api/countries/${readCountries[reads++ % readCountries.length]}/timeline?limit=50&from=${1990 + (reads % 36)}`,
          { client: 'side-reader' },
        ),
      100,
    );
    writer = pacedClient(() => {
      const { kind: _kind, ...body } = sideArchive.meeting();
      return request(service.url, 'POST', '/api/developments/meetings', { body, client: 'side-writer' });
    }, 500);

    const started = performance.now();
    for (const chunk of requests(archive.lines())) {
      if (performance.now() - started > limitMs) {
        notes.push(`import stopped at its time limit (${Math.round(limitMs / 1000)} s) after ${lines} lines`);
        break;
      }
      const answer = await request(service.url, 'POST', '/api/import', {
        body: chunk.body,
        contentType: 'application/x-ndjson',
        timeoutMs: 600_000,
        client: 'importer',
      });
      requestsSent++;
      if (answer.status !== 200) throw new Error(`POST /api/import answered ${answer.status}: ${answer.body.slice(0, 500)}`);
      const report = answer.json();
      const rejectedLines = new Set();
      for (const rejected of report.rejected) {
        rejectedByCode[rejected.code] = (rejectedByCode[rejected.code] || 0) + 1;
        rejectedLines.add(rejected.line);
        if (rejectedSamples.length < 5) rejectedSamples.push({ ...rejected, text: chunk.lines[rejected.line - 1].slice(0, 300) });
      }
      chunk.lines.forEach((line, index) => {
        if (rejectedLines.has(index + 1)) return;
        const kind = kindOf(line);
        acceptedByKind[kind] = (acceptedByKind[kind] || 0) + 1;
      });
      accepted += report.accepted + (report.alreadyRecorded || 0);
      lines += chunk.lines.length;
      // An instant with half the archive recorded before it, for the query mix's asKnownAt.
      if (!midImportAt && lines >= developments / 2) midImportAt = new Date().toISOString();
      if (requestsSent % 20 === 0)
        log(`  import: ${lines} lines, ${Math.round(accepted / ((performance.now() - started) / 1000))} accepted/s`);
    }
    importSeconds = (performance.now() - started) / 1000;
    side = { reads: await reader.stop(), writes: await writer.stop() };
    const sideWrites = side.writes.statuses[201] || 0;

    const catchUp = await waitCaughtUp(service.url, quick ? 5 * 60_000 : 30 * 60_000);
    if (!catchUp.caughtUp) notes.push(`the views had not caught up ${Math.round(catchUp.ms / 1000)} s after the import`);
    const bytes = storeBytes(dataDir);
    const developmentCount = accepted - (acceptedByKind.correction || 0) - (acceptedByKind.retraction || 0) + sideWrites;
    const serviceRssMb = service.peakRssMb();
    await service.stop();

    const scratch = tempDir('raw-append');
    let raw;
    try {
      raw = rawAppendRate(path.join(dataDir, 'events.db'), scratch, quick ? 100_000 : 300_000);
    } finally {
      removeDir(scratch);
    }
    const importRate = accepted / importSeconds;
    const summary = archive.summary();
    log(
      `  import: ${Math.round(importRate)} developments/s vs raw append ${Math.round(raw.eventsPerSecond)} ev/s; reads p99 ${side.reads.latencyMs.p99} ms, writes p99 ${side.writes.latencyMs.p99} ms`,
    );
    return {
      importRatioVsRawAppend: round(importRate / raw.eventsPerSecond, 3),
      importDevelopmentsPerSec: Math.round(importRate),
      readsDuringImportP99Ms: side.reads.latencyMs.p99,
      writesDuringImportP99Ms: side.writes.latencyMs.p99,
      serviceRssMb: round(serviceRssMb, 1),
      bytesPerDevelopment: Math.round(bytes.total / developmentCount),
      lines,
      accepted,
      acceptedByKind,
      developments: developmentCount,
      rejected: { byCode: rejectedByCode, samples: rejectedSamples },
      requests: requestsSent,
      importSeconds: round(importSeconds, 1),
      catchUp: { ...catchUp, ms: Math.round(catchUp.ms) },
      bytes: {
        ...bytes,
        eventsPerDevelopment: Math.round(bytes.events / developmentCount),
        viewsPerDevelopment: Math.round(bytes.views / developmentCount),
      },
      duringImport: side,
      rawAppend: {
        events: raw.events,
        seconds: round(raw.seconds, 2),
        eventsPerSecond: Math.round(raw.eventsPerSecond),
        averageEventBytes: raw.averageEventBytes,
      },
      memory: { ...service.memory, peakRssMb: round(service.memory.peakRssMb, 1), peakHwmMb: round(service.memory.peakHwmMb, 1) },
      startupReadyMs: Math.round(service.readyMs),
      midImportAt,
      archive: { ...summary, samples: undefined },
      /** Kept for the query mix (not printed). */
      queryTerms: { words: summary.words, countries: summary.countries, samples: summary.samples, organizations: summary.organizations },
      notes,
      durability: {
        service: 'app defaults: events WAL + synchronous=FULL (group commit); views WAL + synchronous=NORMAL',
        raw: 'better-sqlite3, WAL + synchronous=FULL, 100 events per transaction, the same rows and schema',
      },
    };
  } finally {
    // On a failure the side clients are still going: stop them before the service.
    if (side === undefined) await Promise.all([reader && reader.stop(), writer && writer.stop()]);
    await service.stop();
  }
}

module.exports = { run, waitCaughtUp, pacedClient };

if (require.main === module) {
  const arg = (name, fallback) => {
    const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
    return hit ? Number(hit.slice(name.length + 3)) : fallback;
  };
  const dir = tempDir('import');
  run({ dataDir: dir, developments: arg('developments', 20_000), quick: true })
    .then((result) => console.log(JSON.stringify({ ...result, queryTerms: undefined }, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(async () => {
      await require('./service').stopAll();
      require('./http-client').closeAgents();
      require('./common').cleanupTempDirs();
    });
}
