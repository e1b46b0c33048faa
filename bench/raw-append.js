'use strict';
/**
 * The import benchmark's ceiling: the events the service wrote, appended again with plain better-sqlite3 into a
 * fresh file of the same schema (its CREATE statements copied from the events.db's sqlite_master, so UNIQUE(stream,
 * revision), UNIQUE(event_id) and whatever else the store declares), WAL + synchronous=FULL, 100 events per
 * transaction. Same rows, same sizes: what appending them costs with nothing of ours around it.
 */
const path = require('node:path');

/**
 * @param {string} eventsDb the service's events.db (read only)
 * @param {string} scratchDir where the raw copy goes
 * @param {number} maxEvents how many of the log's events to append (a rate needs no more)
 */
function rawAppendRate(eventsDb, scratchDir, maxEvents = 300_000) {
  const Database = require('better-sqlite3');
  const source = new Database(eventsDb, { readonly: true });
  const schema = source
    .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY type DESC")
    .all()
    .map((row) => `${row.sql};`)
    .join('\n');
  const rows = source
    .prepare('SELECT stream, revision, event_id, type, data, metadata, recorded_at FROM events ORDER BY position LIMIT ?')
    .raw()
    .all(maxEvents);
  source.close();

  const db = new Database(path.join(scratchDir, 'raw-append.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(schema);
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    // The rows come as strings; the service stringifies its data, so the baseline does too: each batch is parsed
    // off the clock (batch by batch, so memory stays at the rows' strings), stringified and inserted on it.
    const write = db.transaction((batch) => {
      for (const [stream, revision, eventId, type, data, metadata, recordedAt] of batch)
        insert.run(stream, revision, eventId, type, JSON.stringify(data), JSON.stringify(metadata), recordedAt);
    });
    let nanoseconds = 0n;
    for (let i = 0; i < rows.length; i += 100) {
      const batch = rows
        .slice(i, i + 100)
        .map(([stream, revision, eventId, type, data, metadata, recordedAt]) => [
          stream,
          revision,
          eventId,
          type,
          JSON.parse(data),
          JSON.parse(metadata),
          recordedAt,
        ]);
      const started = process.hrtime.bigint();
      write.immediate(batch);
      nanoseconds += process.hrtime.bigint() - started;
    }
    const seconds = Number(nanoseconds) / 1e9;
    const bytes = rows.reduce((sum, row) => sum + row[4].length + row[5].length, 0);
    return {
      events: rows.length,
      seconds,
      eventsPerSecond: rows.length / seconds,
      averageEventBytes: Math.round(bytes / Math.max(1, rows.length)),
      schema,
    };
  } finally {
    db.close();
  }
}

module.exports = { rawAppendRate };
