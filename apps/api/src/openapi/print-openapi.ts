import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../bootstrap';
import { loadConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';

/** Prints the OpenAPI document on stdout, without serving: `npm run openapi` writes the typed client from it. */
async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-openapi-'));
  try {
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent' }), { logger: false });
    process.stdout.write(`${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
    await app.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
