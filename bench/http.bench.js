'use strict';
/**
 * HTTP throughput of the real app (child process, bench/server.js) against bare endpoints on the SAME Nest+Fastify
 * app, measured in the same run with autocannon (64 connections, loopback). The headline ratios divide by a bare
 * Nest controller (/bench/nest/bare); the `…VsBareFastify` ratios by raw Fastify routes (/bench/bare), stricter:
 * - writes: POST /api/developments/meetings with a fresh body per request (setupRequest) vs POST to the bare
 *   endpoints with bodies from the same generator (same sizes); fresh DATA_DIR, SAMPLE_DATA=false,
 *   synchronous=FULL (the default);
 * - reads: GET /api/countries/XX/timeline?limit=50&from=YYYY over 12 countries (+ the SCO timeline) on a generated
 *   log vs GET of the bare endpoints returning a real timeline page (same size); p99 latency at 1 connection and at 64.
 *
 *   node bench/http.bench.js --dir <data dir with events.db + views.db> [--quick]
 */
const autocannon = require('autocannon');
const { fork } = require('node:child_process');
const path = require('node:path');
const { tempDir, removeDir, prng, round, log, median, trackChild } = require('./common');
const { meetingContent } = require('./data-generator');

const SERVER = path.join(__dirname, 'server.js');
const READ_COUNTRIES = ['RU', 'CN', 'US', 'IN', 'FR', 'BR', 'KZ', 'TR', 'JP', 'ZA', 'EG', 'AR'];

/** Starts bench/server.js; resolves once it listens and its views have caught up. */
function startServer({ dataDir, samplePath, execArgv = [], logLevel }) {
  return new Promise((resolve, reject) => {
    const child = trackChild(
      fork(SERVER, [], {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          SAMPLE_DATA: 'false',
          LOG_LEVEL: logLevel,
          API_KEYS: '',
          RATE_LIMIT: '',
          BENCH_SAMPLE_PATH: samplePath || '',
        },
        execArgv,
        // Request logs (pino-http, LOG_LEVEL) go to /dev/null: written, as in production, but not kept.
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      }),
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20000)));
    const onExit = (code) => reject(new Error(`server exited early (${code}): ${stderr}`));
    child.once('exit', onExit);
    const request = (type) =>
      new Promise((res) => {
        const listener = (message) => {
          if (message && message.type === type) {
            child.off('message', listener);
            res(message);
          }
        };
        child.on('message', listener);
        child.send({ type: type === 'stopped' ? 'stop' : type });
      });
    child.on('message', (message) => {
      if (message.type === 'failed') reject(new Error(`server failed: ${message.error}\n${stderr}`));
      if (message.type === 'ready') {
        resolve({
          ...message,
          url: `http://127.0.0.1:${message.port}`,
          stats: () => request('stats'),
          resetLoopDelay: () => child.send({ type: 'reset-loop-delay' }),
          stop: async () => {
            child.off('exit', onExit);
            const exited = new Promise((res) => child.once('exit', res));
            const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
            await request('stopped').catch(() => undefined);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    });
  });
}

function cannon(options) {
  return autocannon({ connections: 64, timeout: 30, ...options });
}

/** One measured run: its summary plus the server's event-loop delay during it. */
async function measured(server, options) {
  server.resetLoopDelay();
  const result = summary(await cannon(options));
  const stats = await server.stats();
  const round1 = (v) => Math.round(v * 10) / 10;
  result.serverLoopDelayMs = { p50: round1(stats.loopDelayMs.p50), p99: round1(stats.loopDelayMs.p99), max: round1(stats.loopDelayMs.max) };
  return result;
}

/**
 * Interleaved rounds (a, b, c, a, b, c, …) of `seconds` each, so a slow stretch of this noisy machine hits every
 * side alike. Returns, per phase, the round summaries and a combined one (rates summed over the rounds, latency
 * percentiles the median of the rounds').
 */
async function interleaved(server, phases, rounds, seconds) {
  const out = Object.fromEntries(Object.keys(phases).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, options] of Object.entries(phases)) out[name].push(await measured(server, { ...options, duration: seconds }));
  }
  const combined = {};
  for (const [name, runs] of Object.entries(out)) {
    const ok = runs.reduce((sum, run) => sum + run.ok, 0);
    const pick = (path) => median(runs.map((run) => path.split('.').reduce((value, key) => value[key], run)));
    combined[name] = {
      okPerSecond: Math.round(ok / (rounds * seconds)),
      requests: runs.reduce((sum, run) => sum + run.requests, 0),
      ok,
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
      timeouts: runs.reduce((sum, run) => sum + run.timeouts, 0),
      latencyMs: {
        p50: pick('latencyMs.p50'),
        p90: pick('latencyMs.p90'),
        p99: pick('latencyMs.p99'),
        max: Math.max(...runs.map((run) => run.latencyMs.max)),
      },
      bytesPerResponse: runs[0].bytesPerResponse,
      serverLoopDelayMs: { p50: pick('serverLoopDelayMs.p50'), p99: pick('serverLoopDelayMs.p99') },
      perRoundOkPerSecond: runs.map((run) => run.okPerSecond),
    };
  }
  return combined;
}

/** The median over rounds of (a's rate ÷ b's rate) in the same round. */
const ratioOfRounds = (a, b) => median(a.perRoundOkPerSecond.map((rate, i) => rate / b.perRoundOkPerSecond[i]));

/** Requests/s counting only 2xx answers, plus the latency figures and errors worth reporting. */
function summary(result) {
  const ok = result['2xx'];
  const seconds = result.duration;
  return {
    okPerSecond: Math.round(ok / seconds),
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    bytesPerResponse: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
  };
}

const ROUNDS = { quick: { rounds: 3, seconds: 2 }, full: { rounds: 5, seconds: 4 } };

async function readPhase({ dir, quick, execArgv, logLevel }) {
  const { rounds, seconds } = quick ? ROUNDS.quick : ROUNDS.full;
  const server = await startServer({ dataDir: dir, samplePath: '/api/countries/RU/timeline?limit=50&from=2005', execArgv, logLevel });
  try {
    const rng = prng(77);
    const nextPath = () =>
      rng.chance(0.08)
        ? `/api/organizations/SCO/timeline?limit=50&from=${rng.int(1992, 2024)}`
        : `/api/countries/${rng.pick(READ_COUNTRIES)}/timeline?limit=50&from=${rng.int(1992, 2024)}`;
    const timelineRequests = [
      { method: 'GET', path: '/api/countries/RU/timeline?limit=50', setupRequest: (req) => ({ ...req, path: nextPath() }) },
    ];
    log(`  http read: server up (boot ${server.bootMs} ms, head ${server.head}, sample page ${server.sampleBytes} B); warming up`);
    await cannon({ url: server.url, duration: quick ? 2 : 3, requests: timelineRequests });
    await cannon({ url: `${server.url}/bench/nest/bare`, duration: 1 });
    await cannon({ url: `${server.url}/bench/bare`, duration: 1 });
    const { bare, bareFastify, timeline } = await interleaved(
      server,
      {
        bare: { url: `${server.url}/bench/nest/bare` },
        bareFastify: { url: `${server.url}/bench/bare` },
        timeline: { url: server.url, requests: timelineRequests },
      },
      rounds,
      seconds,
    );
    const single = await measured(server, { url: server.url, duration: quick ? 5 : 15, connections: 1, requests: timelineRequests });
    const stats = await server.stats();
    log(
      `  http read: bare Nest ${bare.okPerSecond}/s, bare Fastify ${bareFastify.okPerSecond}/s, timeline ${timeline.okPerSecond}/s, p99 ${single.latencyMs.p99} ms at 1 conn, ${timeline.latencyMs.p99} ms at 64 (server loop delay p50 ${timeline.serverLoopDelayMs.p50} ms)`,
    );
    return {
      bare,
      bareFastify,
      timeline,
      singleConnection: single,
      server: { bootMs: server.bootMs, head: server.head, samplePageBytes: server.sampleBytes, peakRssMb: round(stats.peakRssMb, 1) },
    };
  } finally {
    await server.stop();
  }
}

async function writePhase({ quick, execArgv, logLevel }) {
  const { rounds, seconds } = quick ? ROUNDS.quick : ROUNDS.full;
  const dir = tempDir('http-write');
  const server = await startServer({ dataDir: dir, execArgv, logLevel });
  try {
    const rng = prng(99);
    let serial = 0;
    const body = () => JSON.stringify(meetingContent(rng, serial++, { organizationShare: 0.02 }));
    const headers = { 'content-type': 'application/json' };
    const writes = [{ method: 'POST', path: '/api/developments/meetings', headers, setupRequest: (req) => ({ ...req, body: body() }) }];
    const bareWrites = [{ method: 'POST', path: '/bench/nest/bare', headers, setupRequest: (req) => ({ ...req, body: body() }) }];
    const bareFastifyWrites = [{ method: 'POST', path: '/bench/bare', headers, setupRequest: (req) => ({ ...req, body: body() }) }];
    log(`  http write: server up (boot ${server.bootMs} ms); warming up`);
    await cannon({ url: server.url, duration: quick ? 2 : 3, requests: writes });
    await cannon({ url: server.url, duration: 1, requests: bareWrites });
    await cannon({ url: server.url, duration: 1, requests: bareFastifyWrites });
    const { bare, bareFastify, meetings } = await interleaved(
      server,
      {
        bare: { url: server.url, requests: bareWrites },
        bareFastify: { url: server.url, requests: bareFastifyWrites },
        meetings: { url: server.url, requests: writes },
      },
      rounds,
      seconds,
    );
    const stats = await server.stats();
    log(
      `  http write: bare Nest ${bare.okPerSecond}/s, bare Fastify ${bareFastify.okPerSecond}/s, meetings ${meetings.okPerSecond}/s (p99 ${meetings.latencyMs.p99} ms, non-2xx ${meetings.non2xx})`,
    );
    return {
      bare,
      bareFastify,
      meetings,
      recordedEvents: Number(stats.position),
      server: { bootMs: server.bootMs, peakRssMb: round(stats.peakRssMb, 1) },
      bodyBytes: Buffer.byteLength(body()),
    };
  } finally {
    await server.stop();
    removeDir(dir);
  }
}

async function run({ dir, quick = false, execArgv = [], logLevel = process.env.BENCH_LOG_LEVEL || 'info' }) {
  const read = await readPhase({ dir, quick, execArgv, logLevel });
  const write = await writePhase({ quick, execArgv, logLevel });
  return {
    httpWriteRatioVsBare: round(ratioOfRounds(write.meetings, write.bare), 3),
    httpReadRatioVsBare: round(ratioOfRounds(read.timeline, read.bare), 3),
    httpWriteRatioVsBareFastify: round(ratioOfRounds(write.meetings, write.bareFastify), 3),
    httpReadRatioVsBareFastify: round(ratioOfRounds(read.timeline, read.bareFastify), 3),
    readP99Ms: read.singleConnection.latencyMs.p99,
    readP99MsAt64Connections: read.timeline.latencyMs.p99,
    write,
    read,
    setup: {
      connections: 64,
      rounds: quick ? ROUNDS.quick : ROUNDS.full,
      ratios: 'median over interleaved rounds of (target 2xx/s ÷ baseline 2xx/s in the same round)',
      logLevel,
      readPaths: `GET /api/countries/{${READ_COUNTRIES.join(',')}}/timeline?limit=50&from=YYYY, 8% /api/organizations/SCO/timeline`,
      writeDurability: 'SQLITE_SYNCHRONOUS=full (default): WAL + synchronous=FULL, group commit',
    },
  };
}

module.exports = { run, startServer };

if (require.main === module) {
  const argv = process.argv.slice(2);
  const dir = argv[argv.indexOf('--dir') + 1];
  if (!argv.includes('--dir') || !dir) {
    console.error('usage: node bench/http.bench.js --dir <data dir with events.db + views.db> [--quick]');
    process.exit(2);
  }
  run({ dir, quick: argv.includes('--quick') })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .finally(() => require('./common').cleanupTempDirs());
}
