'use strict';
/**
 * The real Annals app (compiled `dist/`), in its own process, plus the baselines of the HTTP benchmarks, two
 * pairs of bare endpoints on the same app:
 *   /bench/nest/bare  a Nest controller: Nest's routing, global guard, pipe and filter, and nothing of ours;
 *   /bench/bare       raw Fastify routes registered on the same instance: only the Fastify hooks and the Nest
 *                     middleware (pino-http, helmet) — the stricter baseline.
 * POST parses the same JSON body (the app's parser, same body limit) and returns a small JSON; GET returns a real
 * timeline page captured at start (same size as the pages measured).
 *
 * Configuration from the environment (loadConfig): DATA_DIR, SAMPLE_DATA=false, LOG_LEVEL, SQLITE_SYNCHRONOUS.
 * BENCH_SAMPLE_PATH: the GET whose answer the bare GET mimics. Reports `{ type: 'ready', port, ... }` over IPC;
 * stops on the 'stop' message.
 */
require('reflect-metadata');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { dist, maxRssMb } = require('./common');

let served = 0;
let page = { items: [], nextCursor: null };

/**
 * The bare endpoints as a Nest controller (decorators applied by hand: this file is plain JavaScript): routed by
 * Nest, through the app's global guard, pipe and filter, but with no DTO, no validation, no bus and no store.
 */
function bareNestController() {
  const { Body, Controller, Get, Post } = require('@nestjs/common');
  class BareController {
    post(body) {
      served++;
      return {
        ok: true,
        received: typeof body === 'object' && body !== null ? Object.keys(body).length : 0,
        title: body && body.title ? String(body.title).length : 0,
      };
    }
    get() {
      return page;
    }
  }
  const method = (name) => Object.getOwnPropertyDescriptor(BareController.prototype, name);
  Body()(BareController.prototype, 'post', 0);
  Post('bare')(BareController.prototype, 'post', method('post'));
  Get('bare')(BareController.prototype, 'get', method('get'));
  Controller('bench/nest')(BareController);
  return BareController;
}

async function main() {
  const { createApp } = dist('apps/api/src/bootstrap');
  const { loadConfig } = dist('apps/api/src/config/app-config');
  const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' });
  const bootStart = Date.now();
  const app = await createApp(config, { logger: false, controllers: [bareNestController()] });
  const fastify = app.getHttpAdapter().getInstance();

  fastify.post('/bench/bare', async (request) => {
    const body = request.body;
    served++;
    return {
      ok: true,
      received: typeof body === 'object' && body !== null ? Object.keys(body).length : 0,
      title: body && body.title ? String(body.title).length : 0,
    };
  });
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
