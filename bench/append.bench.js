'use strict';
/**
 * Append throughput of the SQLite event store port against its baselines, measured in the same run:
 * - plain better-sqlite3 inserts of the same rows, same schema (read from the store's source), WAL + synchronous=FULL;
 * - Emmett's SQLite event store (sqlite3 driver; WAL, and synchronous=FULL, the driver's default, checked below).
 * Both at 1 event per transaction (sequential awaits, each event its own new stream) and at 100 events per append.
 * Rounds are interleaved (raw, ours, raw, ours, ...) on fresh files; each ratio is the median of per-round ratios.
 *
 *   node bench/append.bench.js [--quick]
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, dist, tempDir, removeDir, prng, median, round, log } = require('./common');
const { appendData } = require('./data-generator');

const STORE_SOURCE = path.join(ROOT, 'libs/event-store/src/sqlite/sqlite.connection.ts');

/** The store's own CREATE TABLE, so the raw baseline has exactly the same schema. */
function storeSchema() {
  const source = fs.readFileSync(STORE_SOURCE, 'utf8');
  const match = /const SCHEMA = `([\s\S]*?)`;/.exec(source);
  if (!match) throw new Error(`Could not find the SCHEMA constant in ${STORE_SOURCE}`);
  return match[1];
}

function makeEvents(seed, count, perStream) {
  const rng = prng(seed);
  const out = [];
  let stream;
  for (let i = 0; i < count; i++) {
    if (i % perStream === 0) stream = `development-${rng.uuid()}`;
    const eventId = rng.uuid();
    out.push({
      stream,
      revision: i % perStream,
      event: {
        eventId,
        type: 'MeetingHeld',
        data: appendData(rng, i),
        metadata: {
          eventId,
          recordedAt: new Date(Date.UTC(2025, 0, 1) + i).toISOString(),
          schemaVersion: 1,
          actor: 'bench',
          correlationId: `c-${i}`,
        },
      },
    });
  }
  return out;
}

function groups(rows, size) {
  const out = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const seconds = (start) => Number(process.hrtime.bigint() - start) / 1e9;

function rawStore(file, schema) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(schema);
  const insert = db.prepare(
    'INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const write = db.transaction((rows) => {
    for (const { stream, revision, event } of rows) {
      insert.run(
        stream,
        revision,
        event.eventId,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        event.metadata.recordedAt,
      );
    }
  });
  return { write: (rows) => write.immediate(rows), close: () => db.close() };
}

async function runRaw(dir, schema, batches) {
  const store = rawStore(path.join(dir, 'raw.db'), schema);
  try {
    store.write(batches[0]); // warm-up (first transaction creates the WAL)
    const start = process.hrtime.bigint();
    let events = 0;
    for (let i = 1; i < batches.length; i++) {
      store.write(batches[i]);
      events += batches[i].length;
    }
    return events / seconds(start);
  } finally {
    store.close();
  }
}

async function runOurs(dir, batches) {
  const { SqliteEventStore } = dist('libs/event-store/src');
  const store = new SqliteEventStore({ filename: path.join(dir, 'ours.db'), synchronous: 'full' });
  const append = (batch) =>
    store.append(
      batch[0].stream,
      batch.map((row) => row.event),
      { expectedRevision: 'no-stream' },
    );
  try {
    await append(batches[0]);
    const start = process.hrtime.bigint();
    let events = 0;
    for (let i = 1; i < batches.length; i++) {
      await append(batches[i]);
      events += batches[i].length;
    }
    return events / seconds(start);
  } finally {
    await store.close();
  }
}

function emmettModule() {
  return require('@event-driven-io/emmett-sqlite');
}

async function runEmmett(dir, batches) {
  const { getSQLiteEventStore } = emmettModule();
  const store = getSQLiteEventStore({ fileName: path.join(dir, 'emmett.db'), schema: { autoMigration: 'CreateOrUpdate' } });
  const append = (batch) =>
    store.appendToStream(
      batch[0].stream,
      batch.map(({ event }) => ({ type: event.type, data: event.data, metadata: event.metadata })),
    );
  await append(batches[0]); // creates the schema
  const start = process.hrtime.bigint();
  let events = 0;
  for (let i = 1; i < batches.length; i++) {
    await append(batches[i]);
    events += batches[i].length;
  }
  return events / seconds(start);
}

/** What durability Emmett's connection really runs with: its driver, WAL, then the default synchronous level. */
function emmettDurability(dir) {
  return new Promise((resolve) => {
    let sqlite3;
    try {
      sqlite3 = require('sqlite3');
    } catch (error) {
      resolve({ error: String(error.message) });
      return;
    }
    const db = new sqlite3.Database(path.join(dir, 'probe.db'));
    db.run('PRAGMA journal_mode = WAL;', () =>
      db.get('PRAGMA synchronous', (_e1, sync) =>
        db.get('PRAGMA journal_mode', (_e2, journal) =>
          db.get('SELECT sqlite_version() AS v', (_e3, version) => {
            db.close(() =>
              resolve({
                journalMode: journal && journal.journal_mode,
                synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync && sync.synchronous],
                sqliteVersion: version && version.v,
              }),
            );
          }),
        ),
      ),
    );
  });
}

/**
 * Emmett's sqlite3 driver sometimes throws `SQLITE_BUSY: cannot commit transaction - SQL statements in progress`
 * in its append step: a transient error of the peer, not a result. Retries the measurement up to 3 times, noting
 * each retry; undefined when every attempt hit it (that round then has no Emmett figure).
 */
async function retryingBusy(measure, notes, label) {
  for (let attempt = 1; attempt <= 4; attempt++) {
    try {
      return await measure();
    } catch (error) {
      const message = String((error && error.message) || error);
      // A failed COMMIT is followed by Emmett's ROLLBACK, which can fail the same way: either is the transient error.
      if (!/SQLITE_BUSY|cannot (commit|rollback) transaction/.test(message)) throw error;
      notes.push(
        `${label}: Emmett append failed with ${message.split('\n')[0]} (attempt ${attempt}${attempt <= 3 ? ', retried' : ', gave up'})`,
      );
    }
  }
  return undefined;
}

async function run({ quick = false } = {}) {
  const notes = [];
  const schema = storeSchema();
  const rounds = quick ? 5 : 7;
  const single = quick ? 1500 : 5000; // events at 1 per transaction (~3k/s at FULL: fsync-bound)
  const hundred = quick ? 20000 : 200000; // events at 100 per append
  const emmettEvents = quick ? 15000 : 100000;
  const Database = require('better-sqlite3');
  const ourSqlite = new Database(':memory:').prepare('SELECT sqlite_version() AS v').get().v;

  const rates = { raw1: [], ours1: [], raw100: [], ours100: [], emmett100: [] };
  const ratios = { r1: [], r100: [], emmett: [] };
  for (let round_ = 0; round_ < rounds; round_++) {
    const seed = 1000 + round_;
    const one = groups(makeEvents(seed, single + 1, 1), 1);
    const many = groups(makeEvents(seed + 500, hundred + 100, 100), 100);
    const emmettBatches = many.slice(0, emmettEvents / 100 + 1);
    const measure = async (name, fn) => {
      const dir = tempDir(`append-${name}`);
      try {
        const rate = await fn(dir);
        rates[name].push(rate);
        return rate;
      } finally {
        removeDir(dir);
      }
    };
    const raw1 = await measure('raw1', (dir) => runRaw(dir, schema, one));
    const ours1 = await measure('ours1', (dir) => runOurs(dir, one));
    const raw100 = await measure('raw100', (dir) => runRaw(dir, schema, many));
    const ours100 = await measure('ours100', (dir) => runOurs(dir, many));
    const emmett100 = await retryingBusy(
      () => measure('emmett100', (dir) => runEmmett(dir, emmettBatches)),
      notes,
      `append round ${round_ + 1}`,
    );
    ratios.r1.push(ours1 / raw1);
    ratios.r100.push(ours100 / raw100);
    if (emmett100 !== undefined) ratios.emmett.push(ours100 / emmett100);
    log(
      `  append round ${round_ + 1}/${rounds}: 1/tx ours ${Math.round(ours1)} vs raw ${Math.round(raw1)} ev/s; ` +
        `100/tx ours ${Math.round(ours100)} vs raw ${Math.round(raw100)} vs emmett ${emmett100 === undefined ? '—' : Math.round(emmett100)} ev/s`,
    );
  }
  const probeDir = tempDir('append-probe');
  const emmett = await emmettDurability(probeDir);
  removeDir(probeDir);

  const sample = makeEvents(7, 200, 1);
  const dataBytes = sample.reduce((sum, row) => sum + JSON.stringify(row.event.data).length, 0) / sample.length;
  const result = {
    appendRatioVsRawSqlite: round(median(ratios.r100), 3),
    appendRatioVsRawSqlite1: round(median(ratios.r1), 3),
    appendVsEmmettSqlite: round(median(ratios.emmett), 3),
    rates: {
      rawSqlite1PerTx: Math.round(median(rates.raw1)),
      ours1PerTx: Math.round(median(rates.ours1)),
      rawSqlite100PerTx: Math.round(median(rates.raw100)),
      ours100PerAppend: Math.round(median(rates.ours100)),
      emmett100PerAppend: Math.round(median(rates.emmett100)),
    },
    perRound: Object.fromEntries(Object.entries(ratios).map(([key, values]) => [key, values.map((v) => round(v, 3))])),
    events: rounds * (2 * single + 2 * hundred + emmettEvents),
    notes,
    setup: {
      rounds,
      eventsPerRun: { onePerTx: single, hundredPerAppend: hundred, emmett: emmettEvents },
      averageDataBytes: Math.round(dataBytes),
      ids: 'UUID (seeded)',
      streams: '1/tx: one new stream per event (expectedRevision no-stream); 100: one new stream per append',
      raw: 'better-sqlite3 prepared INSERT, JSON.stringify included, BEGIN IMMEDIATE per transaction, sync loop',
    },
    durability: {
      ours: `WAL + synchronous=FULL (SqliteEventStore synchronous: 'full'), SQLite ${ourSqlite}`,
      raw: `WAL + synchronous=FULL, same schema, SQLite ${ourSqlite}`,
      emmett: `sqlite3 driver: journal_mode=${emmett.journalMode}, synchronous=${emmett.synchronous} (driver default, Emmett sets only WAL), SQLite ${emmett.sqliteVersion}; opens a connection per append`,
    },
  };
  return result;
}

module.exports = { run, retryingBusy };

if (require.main === module) {
  run({ quick: process.argv.includes('--quick') })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => require('./common').cleanupTempDirs());
}
