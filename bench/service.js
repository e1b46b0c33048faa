'use strict';
/**
 * The real service as its users run it — `node dist/apps/api/src/cli.js serve` in its own process — for the
 * benchmarks that talk to it only over HTTP. Samples the process's memory from /proc/PID/status (VmRSS every
 * 200 ms, and VmHWM, the kernel's high-water mark, which also catches peaks between samples). Every started
 * service is registered, so `stopAll()` (run.js calls it on exit and on signals) never leaves one running.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { DIST, sleep, trackChild } = require('./common');
const { request } = require('./http-client');

const CLI = path.join(DIST, 'apps/api/src/cli.js');
const running = new Set();

/** A free loopback port (asked from the kernel, then released for the service to take). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** VmRSS and VmHWM of a process, in MB (undefined once it is gone). */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) / 1024 : undefined;
    };
    return { rssMb: kb('VmRSS'), hwmMb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Spawns the service on `dataDir` and resolves once `GET /health/ready` answers 200 (or rejects after
 * `readyTimeoutMs`). `env` adds to / overrides the environment (SAMPLE_DATA=false by default).
 */
async function startService({ dataDir, env = {}, readyTimeoutMs = 120_000, execArgv = [] }) {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = trackChild(
    spawn(process.execPath, [...execArgv, CLI, 'serve'], {
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        SAMPLE_DATA: 'false',
        PORT: String(port),
        HOST: '127.0.0.1',
        API_KEYS: '',
        RATE_LIMIT: '',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-20000)));
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  exit.then(() => (exited = true));

  const memory = { peakRssMb: 0, peakHwmMb: 0, samples: 0 };
  const sample = () => {
    const now = memoryOf(child.pid);
    if (!now) return;
    memory.samples++;
    memory.peakRssMb = Math.max(memory.peakRssMb, now.rssMb || 0);
    memory.peakHwmMb = Math.max(memory.peakHwmMb, now.hwmMb || 0);
  };
  const sampler = setInterval(sample, 200);
  sampler.unref();

  const service = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    get stderr() {
      return stderr;
    },
    /** Peak RSS so far, MB: the larger of the kernel's high-water mark and the sampled VmRSS. */
    peakRssMb() {
      sample();
      return Math.max(memory.peakRssMb, memory.peakHwmMb);
    },
    memory,
    async stop(timeoutMs = 20_000) {
      clearInterval(sampler);
      running.delete(service);
      if (exited) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const result = await exit;
      clearTimeout(timer);
      return result;
    },
  };
  running.add(service);

  const deadline = spawnedAt + readyTimeoutMs;
  let last;
  while (performance.now() < deadline) {
    if (exited) {
      running.delete(service);
      clearInterval(sampler);
      throw new Error(`the service exited before it was ready: ${stderr.slice(-3000)}`);
    }
    last = await request(service.url, 'GET', '/health/ready', { timeoutMs: 5000 }).catch((error) => ({ status: 0, error }));
    if (last.status === 200) {
      service.readyMs = performance.now() - spawnedAt;
      return service;
    }
    await sleep(last.status === 0 ? 10 : 25);
  }
  await service.stop();
  throw new Error(`the service was not ready within ${readyTimeoutMs} ms (last answer ${last && last.status}): ${stderr.slice(-3000)}`);
}

/** Stops every service still running (on failure paths and signals). */
async function stopAll() {
  await Promise.all([...running].map((service) => service.stop(5000).catch(() => undefined)));
}

/** Synchronous last resort for process exit handlers: SIGKILL whatever is left. */
function killAll() {
  for (const service of running) {
    try {
      process.kill(service.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/**
 * Bytes of the embedded stores in `dataDir`: events.db and the views' generation files (views.db, views-<n>.db: a
 * rebuild writes a new one and deletes the old) with their -wal files.
 */
function storeBytes(dataDir) {
  const size = (name) => {
    try {
      return fs.statSync(path.join(dataDir, name)).size;
    } catch {
      return 0;
    }
  };
  const events = size('events.db') + size('events.db-wal');
  const views = fs
    .readdirSync(dataDir)
    .filter((name) => /^views(-\d+)?\.db(-wal)?$/.test(name))
    .reduce((sum, name) => sum + size(name), 0);
  return { events, views, total: events + views };
}

module.exports = { startService, stopAll, killAll, memoryOf, storeBytes, freePort, CLI };
