'use strict';
/**
 * Writes to a long organization stream over HTTP. A fresh organization (`POST /api/organizations`) gets 20,000
 * developments in its stream, imported in ≤ 1 MiB NDJSON requests: membership approvals and endings that alternate
 * per country (approved on day p, ended on day p + 1, valid in valid-time order). Then, one client, sequentially:
 *   - recording a new membership approval / ending (alternating, after the chain's last day);
 *   - correcting the title of a random development of that organization;
 *   - 20 writers racing to correct the same development (rounds of 20 concurrent requests): every one must get an
 *     answer (201, or 409 after the re-check); counts of 201/409/other.
 * `orgStreamWriteP99Ms` is the worst p99 of the three. The first write after the import (the stream's state
 * loaded, or kept from the import) is reported apart, as `firstWriteMs`.
 *
 *   node bench/orgstream.bench.js [--org-developments=20000] [--quick]
 */
const { startService } = require('./service');
const { request, latency, statusCounts } = require('./http-client');
const { COUNTRY_CODES } = require('./archive-generator');
const { tempDir, removeDir, prng, round, log } = require('./common');

const CODE = 'BENCH-ORG';
/**
 * Requests of 256 KiB (well within the 1 MiB limit): while a long stream makes each line slower, smaller requests
 * let the time limit stop the load close to when it says.
 */
const CHUNK_BYTES = 256 * 1024;
const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(1960, 0, 1);
const day = (n) => new Date(BASE_MS + n * DAY_MS).toISOString().slice(0, 10);

/** The chain: pair p approves COUNTRY_CODES[p % 190] on day p and ends it on day p + 1. */
function chainLines(count, rng) {
  const lines = [];
  const ids = [];
  for (let i = 0; i < count; i++) {
    const pair = i >> 1;
    const country = COUNTRY_CODES[pair % COUNTRY_CODES.length];
    const id = rng.uuid();
    ids.push(id);
    const common = {
      id,
      organization: CODE,
      country,
      title: `${country} ${i % 2 === 0 ? 'joins' : 'leaves'} ${CODE} (#${i})`,
      sources: [{ publisher: 'Bench wire' }],
    };
    lines.push(
      JSON.stringify(
        i % 2 === 0
          ? { kind: 'membership-approval', ...common, occurredOn: day(pair) }
          : { kind: 'membership-ending', ...common, occurredOn: day(pair + 1), reason: 'withdrawal' },
      ),
    );
  }
  return { lines, ids, lastDay: (count >> 1) + 1 };
}

/** Imports `lines` in ≤ 1 MiB requests; stops (and says so) when `limitMs` has passed. */
async function importLines(url, lines, limitMs) {
  const started = performance.now();
  let accepted = 0;
  let stoppedAt;
  const rejected = {};
  let batch = [];
  let bytes = 0;
  const send = async () => {
    const answer = await request(url, 'POST', '/api/import', {
      body: `${batch.join('\n')}\n`,
      contentType: 'application/x-ndjson',
      timeoutMs: 600_000,
      client: 'importer',
    });
    if (answer.status !== 200) throw new Error(`import answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    const report = answer.json();
    accepted += report.accepted + (report.alreadyRecorded || 0);
    for (const r of report.rejected) rejected[r.code] = (rejected[r.code] || 0) + 1;
    batch = [];
    bytes = 0;
  };
  for (const [index, line] of lines.entries()) {
    if (bytes + line.length + 1 > CHUNK_BYTES) {
      await send();
      if (performance.now() - started > limitMs) {
        stoppedAt = index;
        break;
      }
    }
    batch.push(line);
    bytes += line.length + 1;
  }
  if (batch.length > 0 && stoppedAt === undefined) await send();
  return { accepted, rejected, stoppedAt };
}

async function run({ developments = 20_000, quick = false, seed = 11, importLimitMs } = {}) {
  const dir = tempDir('orgstream');
  const service = await startService({ dataDir: dir });
  const notes = [];
  try {
    const rng = prng(seed);
    const registered = await request(service.url, 'POST', '/api/organizations', { body: { code: CODE, name: 'Benchmark Organization' } });
    if (registered.status !== 201)
      throw new Error(`POST /api/organizations answered ${registered.status}: ${registered.body.slice(0, 300)}`);
    const { lines, ids, lastDay } = chainLines(developments, rng);
    const importStarted = performance.now();
    // The stream is loaded through the same import as the archive; on a slow service it stops at a time limit, and
    // the measurements run on the stream it got to (streamDevelopments says how long).
    const limitMs = importLimitMs || (quick ? 120_000 : 20 * 60_000);
    const imported = await importLines(service.url, lines, limitMs);
    if (imported.stoppedAt !== undefined)
      notes.push(`the chain's import stopped at its time limit (${limitMs / 1000} s) after ${imported.stoppedAt} lines`);
    const importSeconds = (performance.now() - importStarted) / 1000;
    log(`  orgstream: ${imported.accepted} developments in ${CODE}'s stream (${Math.round(imported.accepted / importSeconds)}/s)`);
    // Only what was imported can be corrected (the chain is imported in order).
    const recorded = ids.slice(0, imported.stoppedAt === undefined ? ids.length : imported.stoppedAt);
    if (imported.stoppedAt === undefined && imported.accepted < developments)
      notes.push(`only ${imported.accepted} of ${developments} chain lines accepted: ${JSON.stringify(imported.rejected)}`);

    const samples = quick ? 60 : 200;
    // New facts after the chain: approve a country, then end it the next day, and so on.
    let next = lastDay + 1;
    let approved;
    const fact = () => {
      const body = {
        occurredOn: day(next++),
        title: 'Bench membership change',
        organization: CODE,
        sources: [{ publisher: 'Bench wire' }],
      };
      if (approved) {
        const answer = request(service.url, 'POST', '/api/developments/membership-endings', {
          body: { ...body, country: approved, reason: 'withdrawal' },
        });
        approved = undefined;
        return answer;
      }
      approved = COUNTRY_CODES[next % COUNTRY_CODES.length];
      return request(service.url, 'POST', '/api/developments/membership-approvals', { body: { ...body, country: approved } });
    };
    const first = await fact();
    const firstWriteMs = round(first.ms, 1);
    const timed = async (count, act) => {
      const ms = [];
      const statuses = [];
      for (let i = 0; i < count; i++) {
        const answer = await act(i);
        ms.push(answer.ms);
        statuses.push(answer.status);
      }
      return { latencyMs: latency(ms), statuses: statusCounts(statuses) };
    };
    const record = await timed(samples, fact);
    let serial = 0;
    const correct = await timed(samples, () =>
      request(service.url, 'POST', `/api/developments/${rng.pick(recorded)}/corrections`, {
        body: { changes: { title: `Corrected title ${serial++}` }, reason: 'bench' },
      }),
    );

    // Races: 20 writers correct the same development at once, each with its own title.
    const rounds = quick ? 3 : 10;
    const raceMs = [];
    const raceStatuses = [];
    let raceErrors = 0;
    const raceStarted = performance.now();
    const raceLimitMs = quick ? 90_000 : 10 * 60_000;
    for (let r = 0; r < rounds; r++) {
      if (performance.now() - raceStarted > raceLimitMs) {
        notes.push(`races stopped at their time limit after ${r} of ${rounds} rounds`);
        break;
      }
      const target = rng.pick(recorded);
      const answers = await Promise.allSettled(
        Array.from({ length: 20 }, (_, w) =>
          request(service.url, 'POST', `/api/developments/${target}/corrections`, {
            body: { changes: { title: `Race ${r} writer ${w}` }, reason: 'bench race' },
            client: `racer-${w}`,
            timeoutMs: 60_000,
          }),
        ),
      );
      for (const answer of answers) {
        if (answer.status === 'fulfilled') {
          raceMs.push(answer.value.ms);
          raceStatuses.push(answer.value.status);
        } else raceErrors++;
      }
    }
    const race = {
      rounds,
      writers: 20,
      latencyMs: latency(raceMs),
      statuses: statusCounts(raceStatuses),
      errors: raceErrors,
      allAnswered: raceErrors === 0,
    };
    if (raceErrors > 0) notes.push(`${raceErrors} racing corrections got no answer`);
    const unexpected = raceStatuses.filter((s) => s !== 201 && s !== 409).length;
    if (unexpected > 0) notes.push(`${unexpected} racing corrections answered neither 201 nor 409`);

    const worst = Math.max(record.latencyMs.p99, correct.latencyMs.p99, race.latencyMs.p99);
    log(
      `  orgstream: p99 record ${record.latencyMs.p99} ms, correct ${correct.latencyMs.p99} ms, race ${race.latencyMs.p99} ms (${JSON.stringify(race.statuses)})`,
    );
    return {
      orgStreamWriteP99Ms: round(worst, 2),
      streamDevelopments: imported.accepted,
      importSeconds: round(importSeconds, 1),
      importDevelopmentsPerSec: Math.round(imported.accepted / importSeconds),
      firstWriteMs,
      firstWriteStatus: first.status,
      record,
      correct,
      race,
      serviceRssMb: round(service.peakRssMb(), 1),
      notes,
    };
  } finally {
    await service.stop();
    removeDir(dir);
  }
}

module.exports = { run };

if (require.main === module) {
  const hit = process.argv.find((a) => a.startsWith('--org-developments='));
  run({ developments: hit ? Number(hit.split('=')[1]) : 20_000, quick: process.argv.includes('--quick') })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
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
