'use strict';
/**
 * The "same rows" ceiling of a rebuild: after a rebuild, every row of every table of views.db, inserted with plain
 * better-sqlite3 into a fresh database of the same schema (the CREATE statements copied from sqlite_master, indexes
 * included, created before the rows as the live tables have them), in transactions of 5,000 rows, with the views'
 * pragmas (WAL, synchronous=NORMAL, 64 MiB cache). Rows are streamed from the source (iterate), so the time
 * includes reading them: what writing exactly the rebuild's output costs, with none of our code around it.
 * Virtual tables (full-text indexes) are created and filled through their own INSERT; their shadow tables are
 * skipped (SQLite fills them). A contentless full-text index (`content=''`, ours) cannot be read back row by row:
 * its shadow tables are copied instead, as plain tables (the pages the rebuild wrote for it). Triggers (the digests' maintenance) are left out: plain inserts.
 *
 *   node bench/same-rows.js <views.db> <scratch dir>      (run as a child by archive-rebuild.bench.js)
 */
const path = require('node:path');
const { childMain } = require('./common');

function sameRows(viewsDb, scratchDir) {
  const Database = require('better-sqlite3');
  const source = new Database(viewsDb, { readonly: true });
  const objects = source
    .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'")
    .all();
  const virtualTables = objects.filter((o) => o.type === 'table' && /^CREATE VIRTUAL TABLE/i.test(o.sql));
  const contentless = new Set(virtualTables.filter((o) => /content\s*=\s*''/i.test(o.sql)).map((o) => o.name));
  const virtual = virtualTables.map((o) => o.name).filter((name) => !contentless.has(name));
  const shadow = (name) => virtual.some((v) => name.startsWith(`${v}_`));
  const tables = objects.filter((o) => o.type === 'table' && !shadow(o.name) && !contentless.has(o.name));
  // Triggers are ours (digest maintenance, calling functions only our connections register): not "plain" inserts.
  const others = objects.filter((o) => o.type !== 'table' && o.type !== 'trigger' && !shadow(o.tbl_name));

  const target = new Database(path.join(scratchDir, 'same-rows.db'));
  target.pragma('journal_mode = WAL');
  target.pragma('synchronous = NORMAL');
  target.pragma('cache_size = -65536');
  for (const table of tables) target.exec(table.sql);
  for (const other of others) target.exec(other.sql);

  const perTable = {};
  let rows = 0;
  const started = process.hrtime.bigint();
  for (const table of tables) {
    const columns = source
      .prepare(`SELECT name FROM pragma_table_info(?)`)
      .all(table.name)
      .map((c) => c.name);
    if (columns.length === 0) continue;
    const quoted = columns.map((c) => `"${c}"`).join(', ');
    const insert = target.prepare(`INSERT INTO "${table.name}" (${quoted}) VALUES (${columns.map(() => '?').join(', ')})`);
    const write = target.transaction((batch) => {
      for (const row of batch) insert.run(row);
    });
    let batch = [];
    let count = 0;
    for (const row of source.prepare(`SELECT ${quoted} FROM "${table.name}"`).raw().iterate()) {
      batch.push(row);
      if (batch.length === 5000) {
        write(batch);
        count += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) write(batch);
    count += batch.length;
    perTable[table.name] = count;
    rows += count;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  source.close();
  target.close();
  return { rows, seconds, rowsPerSecond: rows / seconds, tables: perTable, virtualTables: virtual, copiedShadowsOf: [...contentless] };
}

module.exports = { sameRows };

if (require.main === module) childMain(async () => sameRows(process.argv[2], process.argv[3]));
