import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/bootstrap';
import { loadConfig } from '../../apps/api/src/config/app-config';
import { createTestDatabase } from './postgres';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  readonly dataDir: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;

  readonly json: any;
}

/** Databases made for a data directory, so a restarted app finds its views again. */
const databases = new Map<string, { url: string; drop: () => Promise<void> }>();

/**
 * The real application over real HTTP on a loopback port, with its own SQLite files. With
 * ANNALS_TEST_READ_STORE=postgres (npm run test:postgres) the views live in a fresh PostgreSQL database instead.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'annals-e2e-'));
  const postgres = process.env.ANNALS_TEST_READ_STORE === 'postgres' && env.READ_STORE === undefined;
  if (postgres && !databases.has(dataDir)) databases.set(dataDir, await createTestDatabase());
  const readStore = postgres ? { READ_STORE: 'postgres', DATABASE_URL: databases.get(dataDir)!.url } : {};
  const config = loadConfig({ SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', ...readStore, ...env, DATA_DIR: dataDir });
  const app = await createApp(config, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<TestResponse> => {
    const raw = typeof body === 'string';
    const response = await fetch(url + path, {
      method,
      headers: { ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    app,
    url,
    dataDir,
    call,
    close: async () => {
      await app.close();
      if (!env.DATA_DIR) {
        rmSync(dataDir, { recursive: true, force: true });
        await databases.get(dataDir)?.drop();
        databases.delete(dataDir);
      }
    },
  };
}
