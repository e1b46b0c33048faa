import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from '@fastify/helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { fieldErrors, validationFailed, VALIDATOR_OPTIONS } from './http/problem';

export const BODY_LIMIT = 1024 * 1024;

/** Builds the application (not yet listening): shared by `main`, the CLI and the e2e tests. */
export async function createApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    trustProxy: true,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: 200 },
  });
  // NDJSON bodies arrive as text; the import reads them line by line.
  adapter
    .getInstance()
    .addContentTypeParser(
      ['application/x-ndjson', 'application/ndjson'],
      { parseAs: 'string', bodyLimit: 64 * BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);
  app.useGlobalPipes(
    new ValidationPipe({
      ...VALIDATOR_OPTIONS,
      transform: true,
      exceptionFactory: (errors) => validationFailed(fieldErrors(errors)),
    }),
  );
  // Security headers on every answer; the web page sets its own Content-Security-Policy, /docs needs inline assets.
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  app.enableShutdownHooks();
  setUpOpenApi(app);
  return app;
}

function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Annals')
      .setDescription(
        'An event-sourced timeline of international relations: record developments with their sources, correct them, and read timelines as of any date and as known at any instant.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
