'use strict';
/**
 * Reads while the service rebuilds its views: `POST /api/projections/rebuild`, then one reader reads timelines
 * back to back (sequential, 1 connection) until every projection's status is `running` again (a poller asks
 * `GET /api/projections` every 500 ms, and only counts "done" once it has seen a rebuild, or after 2 s of
 * `running` everywhere for a rebuild too quick to catch). Bounded: it gives up at `timeoutMs` and says so.
 * `readsDuringRebuildP99Ms` and the max.
 *
 * Needs a running service on an imported archive: run({ url, quick }).
 */
const { request, latency, statusCounts } = require('./http-client');
const { prng, round, log, sleep } = require('./common');

async function run({ url, quick = false, frequent = ['US', 'CN', 'RU', 'FR'], timeoutMs }) {
  const limitMs = timeoutMs || (quick ? 4 * 60_000 : 60 * 60_000);
  const rng = prng(5);
  const notes = [];
  const started = performance.now();
  const accepted = await request(url, 'POST', '/api/projections/rebuild', { client: 'rebuild' });
  if (accepted.status !== 202) throw new Error(`POST /api/projections/rebuild answered ${accepted.status}: ${accepted.body.slice(0, 300)}`);

  let done = false;
  let sawRebuilding = false;
  let polls = 0;
  const poller = (async () => {
    while (!done && performance.now() - started < limitMs) {
      await sleep(500);
      const answer = await request(url, 'GET', '/api/projections', { client: 'rebuild-status', timeoutMs: 120_000 }).catch(() => undefined);
      polls++;
      if (!answer || answer.status !== 200) continue;
      const projections = answer.json();
      if (projections.some((p) => p.status === 'rebuilding')) sawRebuilding = true;
      else if (projections.every((p) => p.status === 'running') && (sawRebuilding || performance.now() - started > 2000)) done = true;
    }
    done = true;
  })();

  const ms = [];
  const statuses = [];
  let errors = 0;
  while (!done) {
    const path = rng.chance(0.2)
      ? `/api/organizations/${rng.pick(['SCO', 'UN', 'EU', 'BRICS'])}/timeline?limit=50&from=${rng.int(1990, 2025)}`
      : `/api/countries/${rng.pick(frequent)}/timeline?limit=50&from=${rng.int(1990, 2025)}`;
    const t0 = performance.now();
    try {
      const answer = await request(url, 'GET', path, { client: 'rebuild-reader', timeoutMs: 60_000 });
      ms.push(answer.ms);
      statuses.push(answer.status);
    } catch {
      errors++;
      ms.push(performance.now() - t0);
    }
  }
  await poller;
  const seconds = (performance.now() - started) / 1000;
  if (seconds * 1000 >= limitMs) notes.push(`the rebuild was not over after ${Math.round(limitMs / 1000)} s`);
  if (!sawRebuilding) notes.push('no status poll saw a projection rebuilding (the rebuild was quicker than the poll)');
  const figures = latency(ms);
  log(`  rebuild reads: p99 ${figures.p99} ms, max ${figures.max} ms over ${figures.count} reads in ${round(seconds, 1)} s`);
  return {
    readsDuringRebuildP99Ms: figures.p99,
    readsDuringRebuildMaxMs: figures.max,
    latencyMs: figures,
    statuses: statusCounts(statuses),
    errors,
    rebuildSeconds: round(seconds, 1),
    statusPolls: polls,
    sawRebuilding,
    notes,
  };
}

module.exports = { run };
