'use strict';
/**
 * Annals benchmarks: each measures the project against a baseline run in the same process, same run, same machine.
 *
 *   npm run bench                     full: 1M-event log and a 1M-line realistic archive, longer runs
 *   npm run bench -- --quick          100k-event log, 100k-line archive, short runs (minutes: the import and the
 *                                     organization stream's load dominate while the service imports slowly)
 *   options: --json (last line = one JSON object), --only=append,http,lag,import,orgstream,startup,querymix,status,
 *            rebuildreads,rebuild, --no-build, --cpu-prof (CPU profiles of the child processes into
 *            bench/results/profiles), --events=N (generated log of the HTTP benchmark), --developments=N (lines of the
 *            realistic archive), --org-developments=N (the organization stream's length, 20000), --no-postgres,
 *            --keep (keep the data dirs)
 *
 * The realistic archive (bench/archive-generator.js) is imported over HTTP (`import`); `startup`, `querymix`,
 * `status` and `rebuildreads` then run against one service started on it, and `rebuild` rebuilds it offline.
 * Any of those imports the archive first (and reports the import). A benchmark that fails is reported in `notes`
 * and the others go on.
 *
 * Runs `npm run build` first when dist/ is missing or older than the sources, then uses the compiled code in dist/.
 * The full run is long: the rebuild of the views grows faster than linearly with the log (≈ 20 s at 100k events,
 * ≈ 190 s at 300k on 2 cores), so expect it to dominate at 1M.
 * Results: a table on stdout, then (with --json) the JSON; always written to bench/results/latest.json.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, DIST, tempDir, removeDir, cleanupTempDirs, machine, log, round, killChildren } = require('./common');
const { startService, stopAll, killAll } = require('./service');
const { closeAgents } = require('./http-client');

const RESULTS = path.join(__dirname, 'results');
const BUILD_STAMP = path.join(RESULTS, '.build-stamp');
const ALL = ['append', 'http', 'lag', 'import', 'orgstream', 'startup', 'querymix', 'status', 'rebuildreads', 'rebuild'];
/** The benchmarks that run on the imported realistic archive. */
const ON_ARCHIVE = ['import', 'startup', 'querymix', 'status', 'rebuildreads', 'rebuild'];
/** The ones among them that share one service started on it. */
const ON_SERVICE = ['startup', 'querymix', 'status', 'rebuildreads'];

const GOALS = {
  appendRatioVsRawSqlite: { min: 0.8, label: 'append 100/tx, ours ÷ raw better-sqlite3' },
  appendRatioVsRawSqlite1: { min: 0.8, label: 'append 1/tx, ours ÷ raw better-sqlite3' },
  appendVsEmmettSqlite: { above: 1, label: 'append 100/append, ours ÷ Emmett SQLite' },
  httpWriteRatioVsBare: { min: 0.5, label: 'HTTP meetings/s ÷ bare Nest POST/s' },
  httpReadRatioVsBare: { min: 0.5, label: 'HTTP timeline pages/s ÷ bare Nest GET/s' },
  httpWriteRatioVsBareFastify: { label: 'HTTP meetings/s ÷ raw Fastify POST/s' },
  httpReadRatioVsBareFastify: { label: 'HTTP timeline pages/s ÷ raw Fastify GET/s' },
  readP99Ms: { max: 10, label: 'timeline read p99 (ms), 1 connection' },
  readP99MsAt64Connections: { max: 10, label: 'timeline read p99 (ms), 64 connections' },
  projectionLagP99Ms: { label: 'projection lag p99 (ms) at 500 writes/s' },
  importRatioVsRawAppend: { min: 0.4, label: 'import developments/s ÷ raw append events/s' },
  importDevelopmentsPerSec: { min: 10000, label: 'import developments/s (POST /api/import)' },
  readsDuringImportP99Ms: { label: 'reads during the import, p99 (ms)' },
  writesDuringImportP99Ms: { label: 'writes during the import, p99 (ms)' },
  serviceRssMb: { max: 400, label: 'service peak RSS (MB)' },
  bytesPerDevelopment: { max: 3072, label: 'disk bytes per development (log + views)' },
  orgStreamWriteP99Ms: { max: 20, label: 'organization-stream writes, worst p99 (ms)' },
  startupMsAt1M: { max: 5000, label: 'start-up to ready at 1M (ms)' },
  startupMs: { label: 'start-up to ready (ms)' },
  queryMixP99Ms: { max: 10, label: 'query mix, worst type p99 (ms)' },
  statusP99Ms: { max: 10, label: 'GET /api/projections p99 under writes (ms)' },
  readsDuringRebuildP99Ms: { max: 50, label: 'reads during a rebuild, p99 (ms)' },
  rebuildRatioVsRawRead: { min: 0.25, label: 'rebuild events/s ÷ raw read+parse events/s' },
  rebuildRatioVsSameRows: { label: 'rebuild events/s ÷ same-rows insert events/s' },
  rebuildPostgresEventsPerSec: { label: 'rebuild into PostgreSQL (events/s)' },
  rebuildPeakRssMb: { max: 400, label: 'rebuild peak RSS (MB)' },
};

function parseArgs(argv) {
  const value = (name) => {
    const hit = argv.find((arg) => arg.startsWith(`--${name}=`));
    return hit ? hit.slice(name.length + 3) : undefined;
  };
  const only = value('only') ? value('only').split(',') : ALL;
  for (const name of only) if (!ALL.includes(name)) throw new Error(`--only: unknown benchmark ${name} (known: ${ALL.join(', ')})`);
  return {
    quick: argv.includes('--quick'),
    json: argv.includes('--json'),
    build: !argv.includes('--no-build'),
    cpuProf: argv.includes('--cpu-prof'),
    keep: argv.includes('--keep'),
    events: value('events') ? Number(value('events')) : undefined,
    developments: value('developments') ? Number(value('developments')) : undefined,
    orgDevelopments: value('org-developments') ? Number(value('org-developments')) : undefined,
    postgres: !argv.includes('--no-postgres'),
    only,
  };
}

function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'apps'));
  walk(path.join(ROOT, 'libs'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    if (fs.existsSync(path.join(ROOT, file))) newest = Math.max(newest, fs.statSync(path.join(ROOT, file)).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than the sources; returns a note when the build had problems. */
function ensureBuild(enabled) {
  const entry = path.join(DIST, 'apps/api/src/bootstrap.js');
  const stamp = fs.existsSync(BUILD_STAMP) ? fs.statSync(BUILD_STAMP).mtimeMs : 0;
  if (!enabled) {
    if (!fs.existsSync(entry)) throw new Error('dist/ is missing: run without --no-build');
    return { built: false };
  }
  if (fs.existsSync(entry) && stamp > newestSourceMtime()) return { built: false, upToDate: true };
  log('building (npm run build)…');
  const started = Date.now();
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  fs.mkdirSync(RESULTS, { recursive: true });
  if (build.status === 0) {
    fs.writeFileSync(BUILD_STAMP, new Date(started).toISOString());
    fs.utimesSync(BUILD_STAMP, new Date(started), new Date(started));
    return { built: true, seconds: round((Date.now() - started) / 1000, 1) };
  }
  // tsc still emits JavaScript on type errors (others may be mid-edit): rewrite the aliases and go on, saying so.
  const output = `${build.stdout}\n${build.stderr}`.trim().split('\n').slice(-15).join('\n');
  log(`npm run build failed; rewriting aliases of what tsc emitted and continuing:\n${output}`);
  const alias = spawnSync('npx', ['tsc-alias', '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (alias.status !== 0 || !fs.existsSync(entry)) throw new Error(`build failed:\n${output}\n${alias.stderr}`);
  return { built: true, warning: `npm run build exited ${build.status}; benchmarked what tsc emitted: ${output.split('\n')[0]}` };
}

function verdict(key, value) {
  const goal = GOALS[key];
  if (!goal || value === null || value === undefined) return '';
  if (goal.min !== undefined) return value >= goal.min ? 'ok' : 'MISS';
  if (goal.above !== undefined) return value > goal.above ? 'ok' : 'MISS';
  if (goal.max !== undefined) return value <= goal.max ? 'ok' : 'MISS';
  return '';
}

function goalText(key) {
  const goal = GOALS[key];
  if (!goal) return '';
  if (goal.min !== undefined) return `≥ ${goal.min}`;
  if (goal.above !== undefined) return `> ${goal.above}`;
  if (goal.max !== undefined) return `≤ ${goal.max}`;
  return '—';
}

function table(result) {
  const d = result.details;
  const rows = [];
  const add = (key, detail) => {
    if (result[key] === undefined) return;
    rows.push([GOALS[key] ? GOALS[key].label : key, String(result[key]), goalText(key), verdict(key, result[key]), detail]);
  };
  if (d.append) {
    const r = d.append.rates;
    add('appendRatioVsRawSqlite', `${r.ours100PerAppend} vs ${r.rawSqlite100PerTx} ev/s (WAL+FULL)`);
    add('appendRatioVsRawSqlite1', `${r.ours1PerTx} vs ${r.rawSqlite1PerTx} ev/s (WAL+FULL)`);
    add('appendVsEmmettSqlite', `${r.ours100PerAppend} vs ${r.emmett100PerAppend} ev/s (both WAL+FULL)`);
  }
  if (d.http) {
    add('httpWriteRatioVsBare', `${d.http.write.meetings.okPerSecond} vs ${d.http.write.bare.okPerSecond} req/s`);
    add('httpWriteRatioVsBareFastify', `${d.http.write.meetings.okPerSecond} vs ${d.http.write.bareFastify.okPerSecond} req/s`);
    add('httpReadRatioVsBare', `${d.http.read.timeline.okPerSecond} vs ${d.http.read.bare.okPerSecond} req/s`);
    add('httpReadRatioVsBareFastify', `${d.http.read.timeline.okPerSecond} vs ${d.http.read.bareFastify.okPerSecond} req/s`);
    add('readP99Ms', `${result.events} events; p50 ${d.http.read.singleConnection.latencyMs.p50} ms`);
    add('readP99MsAt64Connections', `p50 ${d.http.read.timeline.latencyMs.p50} ms (queueing at saturation)`);
  }
  if (d.lag) add('projectionLagP99Ms', `p50 ${d.lag.projectionLagP50Ms} ms, ${d.lag.achievedRate} ev/s for ${d.lag.seconds} s`);
  if (d.import) {
    const i = d.import;
    add('importRatioVsRawAppend', `${i.importDevelopmentsPerSec} dev/s vs ${i.rawAppend.eventsPerSecond} ev/s raw (WAL+FULL, 100/tx)`);
    add('importDevelopmentsPerSec', `${i.accepted} of ${i.lines} lines accepted in ${i.importSeconds} s`);
    add('readsDuringImportP99Ms', `p50 ${i.duringImport.reads.latencyMs.p50} ms, ${i.duringImport.reads.latencyMs.count} timeline reads`);
    add('writesDuringImportP99Ms', `p50 ${i.duringImport.writes.latencyMs.p50} ms, ${i.duringImport.writes.latencyMs.count} meetings`);
    add(
      'bytesPerDevelopment',
      `log ${i.bytes.eventsPerDevelopment} B + views ${i.bytes.viewsPerDevelopment} B, ${i.developments} developments`,
    );
  }
  add('serviceRssMb', 'max over the services of import, reads and orgstream (VmHWM / VmRSS)');
  if (d.orgstream) {
    const o = d.orgstream;
    add(
      'orgStreamWriteP99Ms',
      `record ${o.record.latencyMs.p99}, correct ${o.correct.latencyMs.p99}, race ${o.race.latencyMs.p99} ms (${JSON.stringify(o.race.statuses)}); ${o.streamDevelopments} in the stream`,
    );
  }
  add('startupMsAt1M', 'spawn → GET /health/ready 200');
  add('startupMs', `spawn → GET /health/ready 200, ${result.developments} lines`);
  if (d.querymix) add('queryMixP99Ms', `worst: ${d.querymix.worstType}; ${d.querymix.samplesPerType} per type, 1 connection`);
  if (d.status) add('statusP99Ms', `p50 ${d.status.status.latencyMs.p50} ms, ${d.status.writes.perSecond} meetings/s alongside`);
  if (d.rebuildreads)
    add('readsDuringRebuildP99Ms', `max ${d.rebuildreads.readsDuringRebuildMaxMs} ms over ${d.rebuildreads.rebuildSeconds} s`);
  if (d.rebuild) {
    add('rebuildRatioVsRawRead', `${d.rebuild.rebuildEventsPerSecond} vs ${d.rebuild.rawReadEventsPerSecond} ev/s`);
    add(
      'rebuildRatioVsSameRows',
      `${d.rebuild.rebuildEventsPerSecond} vs ${d.rebuild.sameRowsEventsPerSecond} ev/s (${d.rebuild.sameRows.rows} rows)`,
    );
    add('rebuildPostgresEventsPerSec', d.rebuild.postgres && d.rebuild.postgres.note ? d.rebuild.postgres.note : '');
    add('rebuildPeakRssMb', `kernel high-water mark of the rebuild process, ${d.rebuild.rebuild.events} events`);
  }
  const header = ['metric', 'value', 'goal', '', 'measured'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Every benchmark's `notes` (transient errors retried, time limits hit, skipped parts), in one list. */
function collectNotes(details, failures) {
  const notes = [...failures];
  for (const [name, detail] of Object.entries(details)) {
    if (detail && Array.isArray(detail.notes)) for (const note of detail.notes) notes.push(`${name}: ${note}`);
  }
  return notes;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const build = ensureBuild(options.build);
  const events = options.events || (options.quick ? 100_000 : 1_000_000);
  const developments = options.developments || (options.quick ? 100_000 : 1_000_000);
  const orgDevelopments = options.orgDevelopments || 20_000;
  const profileDir = path.join(RESULTS, 'profiles');
  const execArgv = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (options.cpuProf) fs.mkdirSync(profileDir, { recursive: true });
  const selected = (name) => options.only.includes(name);

  const details = {};
  const timings = {};
  const failures = [];
  /** Runs one benchmark; a failure is noted and the run goes on (the JSON still comes out). */
  const timed = async (name, fn) => {
    const t0 = Date.now();
    log(`${name}…`);
    try {
      details[name] = await fn();
      return details[name];
    } catch (error) {
      failures.push(`${name} failed: ${String((error && error.message) || error).slice(0, 2000)}`);
      log(`${name} FAILED: ${error && error.stack ? error.stack : error}`);
      return undefined;
    } finally {
      timings[name] = round((Date.now() - t0) / 1000, 1);
    }
  };

  if (selected('append')) await timed('append', () => require('./append.bench').run({ quick: options.quick }));

  // The realistic archive: imported over HTTP, then read, watched and rebuilt.
  let archiveDir;
  const serviceRss = [];
  if (ON_ARCHIVE.some(selected)) {
    archiveDir = tempDir('archive');
    const imported = await timed('import', () =>
      require('./import.bench').run({ dataDir: archiveDir, developments, quick: options.quick }),
    );
    if (imported) {
      serviceRss.push(imported.serviceRssMb);
      log(
        `  imported ${imported.accepted} of ${imported.lines} lines (${imported.importDevelopmentsPerSec}/s); rejected ${JSON.stringify(imported.rejected.byCode)}`,
      );
    }
    if (imported && ON_SERVICE.some(selected)) {
      // One service for the read benchmarks; its start on the imported archive is the start-up figure.
      let service;
      await timed('startup', async () => {
        service = await startService({ dataDir: archiveDir, readyTimeoutMs: options.quick ? 120_000 : 600_000, execArgv });
        return {
          readyMs: Math.round(service.readyMs),
          developments: imported.developments,
          note: 'page cache warm: the archive was just imported',
        };
      });
      if (service) {
        try {
          if (selected('querymix'))
            await timed('querymix', () =>
              require('./querymix.bench').run({
                url: service.url,
                terms: imported.queryTerms,
                asKnownAt: imported.midImportAt,
                quick: options.quick,
              }),
            );
          if (selected('status')) await timed('status', () => require('./status.bench').run({ url: service.url, quick: options.quick }));
          if (selected('rebuildreads'))
            await timed('rebuildreads', () =>
              require('./rebuild-reads.bench').run({
                url: service.url,
                quick: options.quick,
                frequent: imported.queryTerms.countries.frequent,
              }),
            );
          serviceRss.push(round(service.peakRssMb(), 1));
          details.startup.servicePeakRssMb = round(service.peakRssMb(), 1);
        } finally {
          await service.stop();
        }
      }
    }
    if (imported) delete imported.queryTerms;
    if (imported && selected('rebuild'))
      await timed('rebuild', () => require('./archive-rebuild.bench').run({ dataDir: archiveDir, execArgv, postgres: options.postgres }));
  }

  // The HTTP benchmark's own log (uniform meetings), and its views built by a catch-up.
  let dataDir;
  if (selected('http')) {
    dataDir = tempDir('log');
    const generated = await timed('generate', () => require('./data-generator').generateLog({ dir: dataDir, events }));
    if (generated) {
      log(`  generated ${events} events at ${Math.round(generated.eventsPerSecond)} ev/s (${generated.averageDataBytes} B data)`);
      if (await timed('catchUp', () => require('./rebuild.bench').run({ dir: dataDir, execArgv })))
        await timed('http', () => require('./http.bench').run({ dir: dataDir, quick: options.quick, execArgv }));
    }
  }
  if (selected('lag')) await timed('lag', () => require('./lag.bench').run({ quick: options.quick }));
  if (selected('orgstream'))
    await timed('orgstream', () => require('./orgstream.bench').run({ developments: orgDevelopments, quick: options.quick }));
  if (details.orgstream) serviceRss.push(details.orgstream.serviceRssMb);
  for (const dir of [dataDir, archiveDir]) {
    if (dir && options.keep) log(`kept the data dir ${dir}`);
    else if (dir) removeDir(dir);
  }

  const pick = (name, key) => (details[name] ? details[name][key] : undefined);
  // The 1M figure only when the archive really had 1M lines (an import stopped at its time limit has fewer).
  const startupKey = (pick('import', 'lines') || 0) >= 1_000_000 ? 'startupMsAt1M' : 'startupMs';
  const result = {
    appendRatioVsRawSqlite: pick('append', 'appendRatioVsRawSqlite'),
    appendRatioVsRawSqlite1: pick('append', 'appendRatioVsRawSqlite1'),
    appendVsEmmettSqlite: pick('append', 'appendVsEmmettSqlite'),
    httpWriteRatioVsBare: pick('http', 'httpWriteRatioVsBare'),
    httpReadRatioVsBare: pick('http', 'httpReadRatioVsBare'),
    httpWriteRatioVsBareFastify: pick('http', 'httpWriteRatioVsBareFastify'),
    httpReadRatioVsBareFastify: pick('http', 'httpReadRatioVsBareFastify'),
    readP99Ms: pick('http', 'readP99Ms'),
    readP99MsAt64Connections: pick('http', 'readP99MsAt64Connections'),
    projectionLagP99Ms: pick('lag', 'projectionLagP99Ms'),
    importRatioVsRawAppend: pick('import', 'importRatioVsRawAppend'),
    importDevelopmentsPerSec: pick('import', 'importDevelopmentsPerSec'),
    readsDuringImportP99Ms: pick('import', 'readsDuringImportP99Ms'),
    writesDuringImportP99Ms: pick('import', 'writesDuringImportP99Ms'),
    serviceRssMb: serviceRss.length ? Math.max(...serviceRss) : undefined,
    bytesPerDevelopment: pick('import', 'bytesPerDevelopment'),
    orgStreamWriteP99Ms: pick('orgstream', 'orgStreamWriteP99Ms'),
    [startupKey]: pick('startup', 'readyMs'),
    queryMixP99Ms: pick('querymix', 'queryMixP99Ms'),
    statusP99Ms: pick('status', 'statusP99Ms'),
    readsDuringRebuildP99Ms: pick('rebuildreads', 'readsDuringRebuildP99Ms'),
    readsDuringRebuildMaxMs: pick('rebuildreads', 'readsDuringRebuildMaxMs'),
    rebuildRatioVsRawRead: pick('rebuild', 'rebuildRatioVsRawRead'),
    rebuildRatioVsSameRows: pick('rebuild', 'rebuildRatioVsSameRows'),
    rebuildPostgresEventsPerSec: pick('rebuild', 'rebuildPostgresEventsPerSec'),
    rebuildPeakRssMb: pick('rebuild', 'rebuildPeakRssMb'),
    events: selected('http') ? events : undefined,
    developments: ON_ARCHIVE.some(selected) ? developments : undefined,
    eventsByBenchmark: {
      append: pick('append', 'events'),
      generatedLog: selected('http') ? events : undefined,
      httpWrites: details.http ? details.http.write.recordedEvents : undefined,
      lag: pick('lag', 'events'),
      archiveLines: pick('import', 'lines'),
      archiveDevelopments: pick('import', 'developments'),
      organizationStream: pick('orgstream', 'streamDevelopments'),
    },
    quick: options.quick,
    machine: machine(),
    durability: {
      append: details.append ? details.append.durability : undefined,
      generatedLog: 'written through SqliteEventStore with synchronous=NORMAL (scratch data; not what is measured)',
      rebuild: 'views.db: WAL + synchronous=NORMAL (openSqliteReadDatabase default); same-rows copy: the same pragmas',
      http: 'app defaults: events WAL + synchronous=FULL with group commit; views WAL + synchronous=NORMAL',
      import: details.import ? details.import.durability : undefined,
      lag: details.lag ? details.lag.durability : undefined,
    },
    definitions: {
      appendRatioVsRawSqlite:
        'events/s, 100 events per append (one new stream each), SqliteEventStore ÷ plain better-sqlite3 transactions of the same rows; median of interleaved rounds',
      appendRatioVsRawSqlite1: 'same, 1 event per transaction (sequential awaits)',
      appendVsEmmettSqlite: 'events/s, 100 per append: SqliteEventStore ÷ Emmett getSQLiteEventStore().appendToStream',
      httpWriteRatioVsBare:
        'median over interleaved rounds of: 2xx/s of POST /api/developments/meetings ÷ 2xx/s of a bare POST endpoint of a Nest controller in the same app (routing, global guard/pipe/filter; no DTO, bus or store), same bodies, 64 connections',
      httpReadRatioVsBare:
        'median over interleaved rounds of: 2xx/s of GET timeline pages (limit=50) ÷ 2xx/s of a bare GET endpoint of a Nest controller in the same app returning a real page, 64 connections',
      httpWriteRatioVsBareFastify:
        'the same meetings/s ÷ a raw Fastify POST route on the same instance (no Nest routing at all): the stricter baseline',
      httpReadRatioVsBareFastify: 'the same pages/s ÷ a raw Fastify GET route on the same instance returning the same page',
      readP99Ms: 'p99 latency of timeline pages with 1 connection (service time, no queueing), on the generated log',
      readP99MsAt64Connections: 'p99 latency of timeline pages at 64 connections (saturation: mostly queueing behind one event loop)',
      projectionLagP99Ms: 'p99 of (runner position reached event) − (append acknowledged), 500 appends/s, runner in the same process',
      importRatioVsRawAppend:
        'accepted lines/s of POST /api/import (≤ 1 MiB NDJSON requests, one client, sequential, realistic archive, empty store) ÷ events/s of plain better-sqlite3 appends of the same events (read back from the events.db, same schema, WAL+FULL, 100 per transaction), same run',
      importDevelopmentsPerSec: 'accepted lines/s of that import (corrections and retractions count as lines)',
      readsDuringImportP99Ms: 'p99 of timeline reads by a second client (~10/s, sequential) while the import runs',
      writesDuringImportP99Ms: 'p99 of POST /api/developments/meetings by that client (~2/s, sequential) while the import runs',
      serviceRssMb:
        'peak RSS of the service processes (`annals serve`): max over the import, the read benchmarks and the organization stream of max(VmHWM, sampled VmRSS) from /proc',
      bytesPerDevelopment: '(events.db + views.db + their -wal files) ÷ developments, once the views caught up after the import',
      orgStreamWriteP99Ms:
        'worst p99 over: recording a membership approval/ending, correcting a development, 20 writers racing to correct the same development; an organization with 20,000 developments in its stream, over HTTP',
      startupMsAt1M: 'spawn of `annals serve` on the imported 1M archive → GET /health/ready 200 (polled every 25 ms)',
      startupMs: 'the same on the archive of this run (not 1M)',
      queryMixP99Ms:
        'worst p99 over the query types of the mix (search rare/mid/common/two words, relations both orders, rare kind, narrow window, asKnownAt, desc, 20th cursor page, members/presidency as of, by id, organization timeline), 1 connection, sequential, interleaved',
      statusP99Ms: 'p99 of GET /api/projections (~10/s, sequential) while one writer records meetings back to back',
      readsDuringRebuildP99Ms:
        'p99 of timeline reads back to back (1 connection) from POST /api/projections/rebuild until every projection is running again',
      rebuildRatioVsRawRead:
        'events/s of runner.rebuild() of all projections ÷ events/s of reading + JSON.parse of the same log with better-sqlite3, on the realistic archive',
      rebuildRatioVsSameRows:
        'rebuild events/s ÷ (events ÷ seconds to insert exactly the rows of the rebuilt views.db with plain better-sqlite3 into a fresh database of the same schema, 5,000 rows per transaction, same pragmas)',
      rebuildPostgresEventsPerSec:
        'events ÷ wall seconds of `annals rebuild` with READ_STORE=postgres into a fresh schema (process start-up included)',
      rebuildPeakRssMb:
        'peak RSS of the rebuild child process (max of the kernel high-water mark and a 50 ms process.memoryUsage().rss sampler, which long synchronous stretches of the rebuild starve)',
    },
    goals: Object.fromEntries(Object.keys(GOALS).map((key) => [key, goalText(key)])),
    misses: [],
    notes: collectNotes(details, failures),
    build,
    secondsByStep: timings,
    elapsedSeconds: round((Date.now() - started) / 1000, 1),
    finishedAt: new Date().toISOString(),
    details,
  };
  result.misses = Object.keys(GOALS).filter((key) => verdict(key, result[key]) === 'MISS');
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${table(result)}\n\n`);
  process.stdout.write(
    `events: ${result.events ?? '—'}, archive lines: ${result.developments ?? '—'}, quick: ${result.quick}, ${result.elapsedSeconds} s; machine: ${result.machine.cpus}× ${result.machine.cpuModel}, ${result.machine.memoryGb} GB\n`,
  );
  if (result.notes.length > 0) process.stdout.write(`notes:\n${result.notes.map((note) => `  - ${note.split('\n')[0]}`).join('\n')}\n`);
  if (build.warning) process.stdout.write(`build warning: ${build.warning}\n`);
  process.stdout.write(`written to bench/results/latest.json\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    killChildren();
    cleanupTempDirs();
    process.exit(130);
  });
}
// Whatever happens, no service is left running.
process.on('exit', () => {
  killAll();
  killChildren();
});

main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    closeAgents();
    cleanupTempDirs();
  });
