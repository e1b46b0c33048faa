import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Logger, type LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/** An incoming `x-request-id` is kept when it is a plain token; anything else gets a fresh one. */
const REQUEST_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

export function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One structured line per request once it is answered: method, route template, status, duration and request id;
 * the id is echoed in the `x-request-id` answer header. Health probes log at debug: they come every few seconds.
 */
export function logRequests(fastify: FastifyInstance, logger: LoggerService = new Logger('HTTP')): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? request.url;
    const route = request.routeOptions.url ?? null;
    const durationMs = Math.round(reply.elapsedTime * 10) / 10;
    const entry = { requestId: request.id, method: request.method, route, path, status: reply.statusCode, durationMs };
    const message = `${request.method} ${path} ${reply.statusCode} ${durationMs}ms`;
    if (path.startsWith('/health/')) logger.debug?.(entry, message);
    else if (reply.statusCode >= 500) logger.error(entry, message);
    else logger.log(entry, message);
    done();
  });
}
