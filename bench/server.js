'use strict';
/**
 * The real Annals app (compiled `dist/`), in its own process, plus two bare routes registered directly on the
 * same Fastify instance before `listen` — the baseline of the HTTP benchmarks:
 *   POST /bench/bare  parses the same JSON body (Fastify's parser, same body limit) and returns a small JSON;
 *   GET  /bench/bare  returns a JSON object of a timeline page's size (a real page, captured at start).
 * Both bare routes still pass through the app's Fastify hooks and Nest middleware (pino-http), not through Nest's
 * guards, pipes, validation, command/query buses or stores.
 *
 * Configuration from the environment (loadConfig): DATA_DIR, SAMPLE_DATA=false, LOG_LEVEL, SQLITE_SYNCHRONOUS.
 * BENCH_SAMPLE_PATH: the GET whose answer the bare GET mimics. Reports `{ type: 'ready', port, ... }` over IPC;
 * stops on the 'stop' message.
 */
require('reflect-metadata');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { dist, maxRssMb } = require('./common');

async function main() {
  const { createApp } = dist('apps/api/src/bootstrap');
  const { loadConfig } = dist('apps/api/src/config/app-config');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  const bootStart = Date.now();
  const app = await createApp(config, { logger: false });
  const fastify = app.getHttpAdapter().getInstance();

  let served = 0;
  fastify.post('/bench/bare', async (request) => {
    const body = request.body;
    served++;
    return { ok: true, received: typeof body === 'object' && body !== null ? Object.keys(body).length : 0, title: body && body.title ? String(body.title).length : 0 };
  });
  let page = { items: [], nextCursor: null };
  fastify.get('/bench/bare', async () => page);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();

  // Wait until the views include everything written so far (built-in organizations registered at boot).
  const { ProjectionRunner } = dist('libs/projections/src');
  const { EVENT_STORE } = dist('libs/application/src');
  const runner = app.get(ProjectionRunner);
  const store = app.get(EVENT_STORE);
  const head = await store.headPosition();
  const caughtUp = await runner.waitFor(head, 120_000);

  const samplePath = process.env.BENCH_SAMPLE_PATH;
  let sampleBytes = 0;
  if (samplePath) {
    const response = await fastify.inject({ method: 'GET', url: samplePath });
    if (response.statusCode !== 200) throw new Error(`GET ${samplePath} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    page = JSON.parse(response.body);
    sampleBytes = Buffer.byteLength(response.body);
  }

  // Event-loop delay while under load: long synchronous stretches (big queries, checkpoints, GC) show up here.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  process.on('message', async (message) => {
    if (message && message.type === 'reset-loop-delay') loopDelay.reset();
    if (message && message.type === 'stats') {
      process.send({
        type: 'stats',
        served,
        rssMb: process.memoryUsage().rss / 1024 / 1024,
        peakRssMb: maxRssMb(),
        position: String(runner.position),
        loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      });
    }
    if (message && message.type === 'stop') {
      await app.close();
      process.send({ type: 'stopped' }, () => process.exit(0));
    }
  });
  process.send({ type: 'ready', port: address.port, bootMs: Date.now() - bootStart, head: String(head), caughtUp, sampleBytes });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  if (process.send) process.send({ type: 'failed', error: String(error && error.message ? error.message : error) }, () => process.exit(1));
  else process.exit(1);
});
