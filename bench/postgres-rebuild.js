'use strict';
/**
 * `annals rebuild` with READ_STORE=postgres on the archive's events.db, into a fresh schema (reached through
 * `search_path` in the URL's options, as test/support/postgres.ts does), dropped afterwards. The figure is events ÷
 * wall seconds of the CLI process (its start-up, ~1 s, included: say so next to it). Skipped with a note when
 * PostgreSQL does not answer at DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
 */
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { CLI } = require('./service');
const { trackChild } = require('./common');

const adminUrl = () => process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function admin(sql) {
  const pg = require('pg');
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

function runCli(env, timeoutMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = trackChild(
      spawn(process.execPath, [CLI, 'rebuild'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-5000)));
    child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-5000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, seconds: (performance.now() - started) / 1000, output });
    });
  });
}

async function run({ dataDir, events, timeoutMs = 30 * 60_000 }) {
  try {
    await admin('SELECT 1');
  } catch (error) {
    return { skipped: true, note: `PostgreSQL rebuild skipped: ${adminUrl()} does not answer (${error.message})` };
  }
  const schema = `annals_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  try {
    const url = new URL(adminUrl());
    url.searchParams.set('options', `-c search_path=${schema}`);
    const result = await runCli(
      { DATA_DIR: dataDir, READ_STORE: 'postgres', DATABASE_URL: url.toString(), SAMPLE_DATA: 'false', LOG_LEVEL: 'warn' },
      timeoutMs,
    );
    if (result.code !== 0)
      return {
        skipped: true,
        note: `PostgreSQL rebuild failed (exit ${result.code}${result.signal ? `, ${result.signal}` : ''}): ${result.output.slice(-500)}`,
      };
    return {
      rebuildPostgresEventsPerSec: Math.round(events / result.seconds),
      seconds: Math.round(result.seconds * 10) / 10,
      events,
      schema: 'fresh, dropped afterwards',
      note: 'wall time of `annals rebuild`, process start-up included',
    };
  } finally {
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  }
}

module.exports = { run };
