'use strict';
/**
 * Annals benchmarks: each measures the project against a baseline run in the same process, same run, same machine.
 *
 *   npm run bench                     full: 1M-event log, longer runs
 *   npm run bench -- --quick          100k-event log, short runs (< 3 min on 2 cores)
 *   options: --json (last line = one JSON object), --only=append,rebuild,http,lag, --no-build, --cpu-prof
 *            (CPU profiles of the child processes into bench/results/profiles), --events=N, --keep (keep the data dir)
 *
 * Runs `npm run build` first when dist/ is missing or older than the sources, then uses the compiled code in dist/.
 * The full run is long: the rebuild of the views grows faster than linearly with the log (≈ 20 s at 100k events,
 * ≈ 190 s at 300k on 2 cores), so expect it to dominate at 1M.
 * Results: a table on stdout, then (with --json) the JSON; always written to bench/results/latest.json.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { ROOT, DIST, tempDir, removeDir, cleanupTempDirs, machine, log, round } = require('./common');

const RESULTS = path.join(__dirname, 'results');
const BUILD_STAMP = path.join(RESULTS, '.build-stamp');
const ALL = ['append', 'rebuild', 'http', 'lag'];

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
  rebuildRatioVsRawRead: { min: 0.5, label: 'rebuild events/s ÷ raw read+parse events/s' },
  rebuildPeakRssMb: { max: 400, label: 'rebuild peak RSS (MB)' },
  projectionLagP99Ms: { label: 'projection lag p99 (ms) at 500 writes/s' },
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
  if (d.rebuild) {
    add('rebuildRatioVsRawRead', `${d.rebuild.rebuildEventsPerSecond} vs ${d.rebuild.rawReadEventsPerSecond} ev/s`);
    add('rebuildPeakRssMb', `kernel high-water mark of the rebuild process, ${result.events} events`);
  }
  if (d.lag) add('projectionLagP99Ms', `p50 ${d.lag.projectionLagP50Ms} ms, ${d.lag.achievedRate} ev/s for ${d.lag.seconds} s`);
  const header = ['metric', 'value', 'goal', '', 'measured'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const build = ensureBuild(options.build);
  const events = options.events || (options.quick ? 100_000 : 1_000_000);
  const profileDir = path.join(RESULTS, 'profiles');
  const execArgv = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (options.cpuProf) fs.mkdirSync(profileDir, { recursive: true });

  const details = {};
  const timings = {};
  const timed = async (name, fn) => {
    const t0 = Date.now();
    log(`${name}…`);
    details[name] = await fn();
    timings[name] = round((Date.now() - t0) / 1000, 1);
  };

  if (options.only.includes('append')) await timed('append', () => require('./append.bench').run({ quick: options.quick }));

  let dataDir;
  const needsLog = options.only.includes('rebuild') || options.only.includes('http');
  if (needsLog) {
    dataDir = tempDir('log');
    await timed('generate', () => require('./data-generator').generateLog({ dir: dataDir, events }));
    log(
      `  generated ${events} events at ${Math.round(details.generate.eventsPerSecond)} ev/s (${details.generate.averageDataBytes} B data)`,
    );
    // The rebuild also builds the views the HTTP reads need; without it, a catch-up does (not timed as a rebuild).
    if (options.only.includes('rebuild')) await timed('rebuild', () => require('./rebuild.bench').run({ dir: dataDir, execArgv }));
    else await timed('catchUp', () => require('./rebuild.bench').run({ dir: dataDir, execArgv }));
    if (options.only.includes('http'))
      await timed('http', () => require('./http.bench').run({ dir: dataDir, quick: options.quick, execArgv }));
  }
  if (options.only.includes('lag')) await timed('lag', () => require('./lag.bench').run({ quick: options.quick }));
  if (dataDir && options.keep) log(`kept the data dir ${dataDir}`);
  else if (dataDir) removeDir(dataDir);

  const pick = (name, key) => (details[name] ? details[name][key] : undefined);
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
    rebuildRatioVsRawRead: pick('rebuild', 'rebuildRatioVsRawRead'),
    rebuildPeakRssMb: pick('rebuild', 'rebuildPeakRssMb'),
    projectionLagP99Ms: pick('lag', 'projectionLagP99Ms'),
    events: needsLog ? events : undefined,
    eventsByBenchmark: {
      append: pick('append', 'events'),
      generatedLog: needsLog ? events : undefined,
      httpWrites: details.http ? details.http.write.recordedEvents : undefined,
      lag: pick('lag', 'events'),
    },
    quick: options.quick,
    machine: machine(),
    durability: {
      append: details.append ? details.append.durability : undefined,
      generatedLog: 'written through SqliteEventStore with synchronous=NORMAL (scratch data; not what is measured)',
      rebuild: 'views.db: WAL + synchronous=NORMAL (openSqliteReadDatabase default)',
      http: 'app defaults: events WAL + synchronous=FULL with group commit; views WAL + synchronous=NORMAL',
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
      rebuildRatioVsRawRead:
        'events/s of runner.rebuild() of all projections ÷ events/s of reading + JSON.parse of the same log with better-sqlite3',
      rebuildPeakRssMb:
        'peak RSS of the rebuild child process (max of the kernel high-water mark and a 50 ms process.memoryUsage().rss sampler, which long synchronous stretches of the rebuild starve)',
      projectionLagP99Ms: 'p99 of (runner position reached event) − (append acknowledged), 500 appends/s, runner in the same process',
    },
    goals: Object.fromEntries(Object.keys(GOALS).map((key) => [key, goalText(key)])),
    misses: Object.keys(GOALS).filter(
      (key) => verdict(key, pick('append', key) ?? pick('http', key) ?? pick('rebuild', key) ?? pick('lag', key)) === 'MISS',
    ),
    build,
    secondsByStep: timings,
    elapsedSeconds: round((Date.now() - started) / 1000, 1),
    finishedAt: new Date().toISOString(),
    details,
  };
  fs.mkdirSync(RESULTS, { recursive: true });
  fs.writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${table(result)}\n\n`);
  process.stdout.write(
    `events: ${result.events ?? '—'}, quick: ${result.quick}, ${result.elapsedSeconds} s; machine: ${result.machine.cpus}× ${result.machine.cpuModel}, ${result.machine.memoryGb} GB\n`,
  );
  if (build.warning) process.stdout.write(`build warning: ${build.warning}\n`);
  process.stdout.write(`written to bench/results/latest.json\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanupTempDirs();
    process.exit(130);
  });
}

main()
  .catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanupTempDirs());
