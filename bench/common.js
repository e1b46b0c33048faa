'use strict';
/**
 * Shared helpers of the benchmarks: paths to the compiled code, temp dirs, a seeded PRNG, statistics,
 * child processes, machine facts. Plain CommonJS: the benchmarks run without building `bench/` itself.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');

/** Requires a compiled module: `dist('libs/event-store/src')`. */
function dist(relative) {
  return require(path.join(DIST, relative));
}

const tempDirs = new Set();

/** A fresh directory in os.tmpdir(), removed by `cleanupTempDirs()` (run.js calls it on exit). */
function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `annals-bench-${label}-`));
  tempDirs.add(dir);
  return dir;
}

function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function cleanupTempDirs() {
  for (const dir of [...tempDirs]) removeDir(dir);
}

/** mulberry32: small, fast, deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** A version-4-shaped UUID from the seeded stream (deterministic, unlike crypto.randomUUID). */
    uuid() {
      const bytes = new Array(16);
      for (let i = 0; i < 16; i += 4) {
        const word = Math.floor(next() * 4294967296) >>> 0;
        bytes[i] = word & 0xff;
        bytes[i + 1] = (word >>> 8) & 0xff;
        bytes[i + 2] = (word >>> 16) & 0xff;
        bytes[i + 3] = (word >>> 24) & 0xff;
      }
      bytes[6] = (bytes[6] & 0x0f) | 0x40;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },
  };
}

function median(values) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/** Progress goes to stderr so that stdout ends with the table and the JSON line. */
function log(...parts) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0] ? cpus[0].model : 'unknown',
    cpus: cpus.length,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

const children = new Set();

/** Registers a child process, so that `killChildren()` (run.js, on exit and signals) never leaves it running. */
function trackChild(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGKILLs every tracked child still running (synchronous: usable in an 'exit' handler). */
function killChildren() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

/**
 * Runs `script` in a child Node process with IPC; resolves with the first `{ type: 'result' }` message.
 * The child's stdout/stderr are collected and shown only on failure. `execArgv` lets run.js add --cpu-prof.
 */
function runChild(script, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = trackChild(
      fork(script, args, {
        cwd: ROOT,
        env: { ...process.env, ...(options.env || {}) },
        execArgv: options.execArgv || [],
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      }),
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-20000)));
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-20000)));
    let result;
    child.on('message', (message) => {
      if (message && message.type === 'result') result = message.value;
      if (message && message.type === 'error') result = { error: message.error };
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (result && !result.error && code === 0) resolve(result);
      else
        reject(
          new Error(
            `${path.basename(script)} ${args.join(' ')} failed (exit ${code}${signal ? `, ${signal}` : ''}): ${result && result.error ? result.error : ''}\n${output}`,
          ),
        );
    });
  });
}

/** For child scripts: run `main`, send its value to the parent, exit. */
function childMain(main) {
  main()
    .then((value) => {
      process.send({ type: 'result', value }, () => process.exit(0));
    })
    .catch((error) => {
      process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
      process.send({ type: 'error', error: String(error && error.message ? error.message : error) }, () => process.exit(1));
    });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Peak RSS of this process so far (kernel high-water mark), in MB. */
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The views' serving generation file in a data dir (named by views.current; views.db before any rebuild). */
function viewsFile(dir) {
  try {
    return path.join(dir, fs.readFileSync(path.join(dir, 'views.current'), 'utf8').trim());
  } catch {
    return path.join(dir, 'views.db');
  }
}

module.exports = {
  viewsFile,
  ROOT,
  DIST,
  dist,
  tempDir,
  removeDir,
  cleanupTempDirs,
  prng,
  median,
  percentile,
  round,
  log,
  machine,
  runChild,
  childMain,
  sleep,
  maxRssMb,
  trackChild,
  killChildren,
};
