import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { checkDataDir, checkPort, describeStartupFailure } from './config/startup-problem';
import { createApp } from './bootstrap';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  let app: NestFastifyApplication | undefined;
  try {
    checkDataDir(config);
    await checkPort(config);
    app = await createApp(config);
    await app.listen({ port: config.port, host: config.host });
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    new Logger('Annals').log(`Annals listening on ${url} (API docs at ${url}/docs)`);
  } catch (error) {
    // One line naming what to change; the stack trace would only bury it.
    process.stderr.write(`${describeStartupFailure(error, config)}\n`);
    await app?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
