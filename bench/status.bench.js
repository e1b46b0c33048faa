'use strict';
/**
 * `GET /api/projections` while a writer records meetings: one status client (sequential, every ~100 ms) and one
 * writer (sequential, as fast as its answers come, at most ~100/s), both on a running service. The status answer
 * includes each view's digest, so a slow digest after writes shows here. `statusP99Ms`: p99 of the status reads.
 *
 * Needs a running service: run({ url, quick }).
 */
const { Archive } = require('./archive-generator');
const { request } = require('./http-client');
const { pacedClient } = require('./import.bench');
const { round, log, sleep } = require('./common');

async function run({ url, quick = false, seed = 21 }) {
  const seconds = quick ? 10 : 30;
  const archive = new Archive({ lines: 1e9, seed });
  const writer = pacedClient(() => {
    const { kind: _kind, ...body } = archive.meeting();
    return request(url, 'POST', '/api/developments/meetings', { body, client: 'status-writer' });
  }, 10);
  const status = pacedClient(() => request(url, 'GET', '/api/projections', { client: 'status', timeoutMs: 60_000 }), 100);
  await sleep(seconds * 1000);
  const statuses = await status.stop();
  const writes = await writer.stop();
  const notes = [];
  if (statuses.errors > 0) notes.push(`${statuses.errors} GET /api/projections got no answer within 60 s`);
  log(
    `  status: p99 ${statuses.latencyMs.p99} ms over ${statuses.latencyMs.count} reads while ${writes.statuses[201] || 0} meetings were recorded`,
  );
  return {
    statusP99Ms: round(statuses.latencyMs.p99, 2),
    status: statuses,
    writes: { ...writes, perSecond: round((writes.statuses[201] || 0) / seconds, 1) },
    seconds,
    notes,
  };
}

module.exports = { run };
