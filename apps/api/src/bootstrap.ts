import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { AppLogger } from './http/app-logger';
import { inspectJson } from './http/json-guard';
import { logRequests, requestId } from './http/request-log';
import { fieldErrors, titleOf, validationFailed, VALIDATOR_OPTIONS } from './http/problem';
import { setUpOpenApi } from './openapi/openapi';
import { plainTimelineQuery } from './timelines/timeline-query.shortcut';
import { TimelineQueryDto } from './timelines/timeline-query.dto';
import { ShortcutValidationPipe } from './http/validation-pipe';
import { addSecurityHeaders } from './http/security-headers';

export const BODY_LIMIT = 1024 * 1024;

/** Builds the application (not yet listening): shared by `main`, the CLI and the e2e tests. */
export async function createApp(
  config: AppConfig,
  options: { logger?: boolean; /** Controllers an embedder adds (the benchmarks' bare endpoints). */ controllers?: Type[] } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
    // Request ids: an incoming x-request-id is kept (when it is a plain token), else one is made.
    requestIdHeader: false,
    genReqId: requestId,
    // Malformed URLs and over-long parameters are answered as problems too.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      const detail = 'The request URL could not be read';
      void reply
        .code(status)
        .type('application/problem+json; charset=utf-8')
        .send({
          type: '/problems/validation-failed',
          title: titleOf(status),
          status,
          detail,
          code: 'VALIDATION_FAILED',
          errors: [{ field: 'url', message: detail }],
        });
    },
    // Requests Node refuses before Fastify sees them (headers too large, malformed): still a problem document.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) return void socket.destroy();
      const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const body = JSON.stringify({
        type: '/problems/validation-failed',
        title: titleOf(status),
        status,
        detail: 'The request could not be read',
        code: 'VALIDATION_FAILED',
      });
      socket.end(
        `HTTP/1.1 ${status} ${titleOf(status)}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  const fastify = adapter.getInstance();
  logRequests(fastify);
  // JSON through Fastify's own safe parser (it refuses __proto__), then a check for depth and prototype-named keys.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (request, body, done) => {
    void parseJson(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const refused = inspectJson(value);
      if (refused) return done(validationFailed([{ field: 'body', message: refused }]), undefined);
      done(null, value);
    });
  });
  // Bodies are JSON (or NDJSON for the import): plain text is refused with 415 instead of reaching validation as a string.
  fastify.removeContentTypeParser('text/plain');
  // NDJSON bodies arrive as text; the import reads them line by line. The 1 MiB limit holds for them too.
  fastify.addContentTypeParser(
    ['application/x-ndjson', 'application/ndjson'],
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.controllers), adapter, {
    bufferLogs: true,
    // Our own JSON parser (above) replaces Nest's: it also bounds depth and refuses prototype-named keys.
    bodyParser: false,
    abortOnError: false,
  });
  if (options.logger !== false) app.useLogger(new AppLogger(app.get(Logger)));
  else app.useLogger(false);
  app.useGlobalPipes(
    new ShortcutValidationPipe(
      { ...VALIDATOR_OPTIONS, transform: true, exceptionFactory: (errors) => validationFailed(fieldErrors(errors)) },
      // Every timeline read validates its query: the plain ones skip class-validator.
      new Map([[TimelineQueryDto, plainTimelineQuery]]),
    ),
  );
  await addSecurityHeaders(fastify);
  app.enableShutdownHooks();
  setUpOpenApi(app);
  return app;
}
