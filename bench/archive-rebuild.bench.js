'use strict';
/**
 * Rebuild on the imported realistic archive (the service stopped), three figures measured in the same run:
 * - `rebuildRatioVsRawRead`: runner.rebuild() events/s ÷ reading + JSON.parse of the same events.db
 *   (bench/rebuild.bench.js, each side in its own child process);
 * - `rebuildRatioVsSameRows`: the same rebuild events/s ÷ (events ÷ seconds to insert exactly the rows it wrote
 *   with plain better-sqlite3, bench/same-rows.js);
 * - `rebuildPostgresEventsPerSec`: `annals rebuild` with READ_STORE=postgres, when PostgreSQL answers.
 */
const path = require('node:path');
const { runChild, tempDir, removeDir, round, log, viewsFile } = require('./common');

async function run({ dataDir, execArgv = [], postgres = true }) {
  const notes = [];
  const rebuild = await require('./rebuild.bench').run({ dir: dataDir, execArgv });
  const scratch = tempDir('same-rows');
  let same;
  try {
    same = await runChild(path.join(__dirname, 'same-rows.js'), [viewsFile(dataDir), scratch], { timeoutMs: 60 * 60_000 });
  } finally {
    removeDir(scratch);
  }
  const events = rebuild.rebuild.events;
  const sameRowsEventsPerSecond = events / same.seconds;
  let pg = { skipped: true, note: 'PostgreSQL rebuild not asked for' };
  if (postgres) pg = await require('./postgres-rebuild').run({ dataDir, events });
  if (pg.skipped) notes.push(pg.note);
  log(
    `  archive rebuild: ${rebuild.rebuildEventsPerSecond} ev/s vs raw read ${rebuild.rawReadEventsPerSecond} ev/s vs same rows ${Math.round(sameRowsEventsPerSecond)} ev/s (${same.rows} rows)` +
      (pg.skipped ? '' : `; PostgreSQL ${pg.rebuildPostgresEventsPerSec} ev/s`),
  );
  return {
    rebuildRatioVsRawRead: rebuild.rebuildRatioVsRawRead,
    rebuildRatioVsSameRows: round(rebuild.rebuildEventsPerSecond / sameRowsEventsPerSecond, 3),
    rebuildPostgresEventsPerSec: pg.skipped ? undefined : pg.rebuildPostgresEventsPerSec,
    rebuildPeakRssMb: rebuild.rebuildPeakRssMb,
    rebuildEventsPerSecond: rebuild.rebuildEventsPerSecond,
    rawReadEventsPerSecond: rebuild.rawReadEventsPerSecond,
    sameRowsEventsPerSecond: Math.round(sameRowsEventsPerSecond),
    sameRows: { ...same, seconds: round(same.seconds, 2), rowsPerSecond: Math.round(same.rowsPerSecond) },
    postgres: pg,
    rebuild: rebuild.rebuild,
    rawRead: rebuild.rawRead,
    notes,
  };
}

module.exports = { run };
