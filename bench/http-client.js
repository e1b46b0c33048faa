'use strict';
/**
 * A small HTTP client over node:http with keep-alive (one socket per client, like a browser tab or an importer),
 * so what the benchmarks time is the service, not connection set-up. Every request has a time-out: a benchmark
 * never hangs on a stuck answer, it records it.
 */
const http = require('node:http');
const { percentile, round } = require('./common');

const agents = new Map();
/** One keep-alive agent per client name: `client: 'importer'` and `client: 'reader'` use separate sockets. */
function agentFor(client) {
  if (!agents.has(client)) agents.set(client, new http.Agent({ keepAlive: true, maxSockets: 64 }));
  return agents.get(client);
}

/**
 * Resolves `{ status, body, ms, json() }`; rejects only on a network error or the time-out (`timeoutMs`, 30 s).
 * `body`: a string or an object (sent as JSON unless `contentType` says otherwise).
 */
function request(base, method, path, { body, contentType, timeoutMs = 30_000, client = 'default', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const url = new URL(path, base);
    const started = performance.now();
    const req = http.request(
      url,
      {
        method,
        agent: agentFor(client),
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': contentType || 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode, body: text, ms: performance.now() - started, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** Latency figures of a list of milliseconds. */
function latency(values) {
  if (values.length === 0) return { count: 0 };
  return {
    count: values.length,
    p50: round(percentile(values, 50), 2),
    p90: round(percentile(values, 90), 2),
    p99: round(percentile(values, 99), 2),
    max: round(Math.max(...values), 2),
  };
}

/** Counts of answers by status, e.g. `{ 200: 98, 503: 2 }`. */
function statusCounts(statuses) {
  const out = {};
  for (const status of statuses) out[status] = (out[status] || 0) + 1;
  return out;
}

function closeAgents() {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

module.exports = { request, latency, statusCounts, closeAgents };
