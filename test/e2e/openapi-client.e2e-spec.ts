import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import createClient from 'openapi-fetch';
import type { paths } from '../support/openapi/annals-api';
import { startTestApp, type TestApp } from '../support/test-app';

const TYPES = join(__dirname, '..', 'support', 'openapi', 'annals-api.d.ts');

/**
 * The typed client is generated from the document (`npm run openapi`) and compiled with the tests: the service
 * answering anything its generated types do not say fails here or in `npm run typecheck`.
 */
describe('the typed client generated from the OpenAPI document', () => {
  let app: TestApp;
  let document: string;
  beforeAll(async () => {
    app = await startTestApp();
    document = (await app.call('GET', '/docs-json')).text;
    // Starting services on a loaded 2-core machine can take longer than the default hook time.
  }, 60_000);
  afterAll(async () => {
    await app.close();
  });

  it('is a valid OpenAPI document for a real validator (Redocly)', async () => {
    const config = await createConfig({ extends: ['recommended'], rules: { 'no-unresolved-refs': 'error', struct: 'error' } });
    const problems = await lintFromString({ source: document, absoluteRef: 'annals.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? ''}`)).toEqual([]);
  });

  it('was generated from the document the service serves (else: npm run openapi)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'annals-openapi-'));
    try {
      writeFileSync(join(folder, 'openapi.json'), document);
      const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
      execFileSync(process.execPath, [cli, join(folder, 'openapi.json'), '-o', join(folder, 'api.d.ts')], { stdio: 'pipe' });
      expect(readFileSync(join(folder, 'api.d.ts'), 'utf8')).toEqual(readFileSync(TYPES, 'utf8'));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('records, reads back and gets typed problems', async () => {
    const client = createClient<paths>({ baseUrl: app.url });
    const organization = await client.POST('/api/organizations', { body: { code: 'SCO', name: 'Shanghai Cooperation Organisation' } });
    expect(organization.error?.code).toBe('ORGANIZATION_EXISTS');

    const recorded = await client.POST('/api/developments/meetings', {
      body: {
        occurredOn: '2024-07-03',
        title: 'Xi Jinping and Vladimir Putin meet in Astana on the eve of the SCO summit',
        participants: [
          { name: 'Xi Jinping', country: 'CN', role: 'President of China' },
          { name: 'Vladimir Putin', country: 'RU', role: 'President of Russia' },
        ],
        location: { city: 'Astana', country: 'KZ' },
        organization: 'SCO',
      },
    });
    expect(recorded.response.status).toBe(201);
    const written = recorded.data!;
    expect(recorded.response.headers.get('location')).toBe(`/api/developments/${written.developmentId}`);

    const read = await client.GET('/api/developments/{id}', {
      params: { path: { id: written.developmentId }, query: { minPosition: written.position } },
    });
    expect(read.data?.participants?.map((p) => p.name)).toEqual(['Xi Jinping', 'Vladimir Putin']);
    expect(read.data?.history[0]?.position).toBe(written.position);

    const timeline = await client.GET('/api/countries/{a}/relations/{b}/timeline', {
      params: { path: { a: 'CN', b: 'RU' }, query: { minPosition: written.position } },
    });
    const page = timeline.data as { items: Array<{ title: string }> };
    expect(page.items.map((item) => item.title)).toEqual(['Xi Jinping and Vladimir Putin meet in Astana on the eve of the SCO summit']);

    const missing = await client.GET('/api/organizations/{code}/members', { params: { path: { code: 'NOPE' } } });
    expect(missing.error).toMatchObject({ status: 404, code: 'ORGANIZATION_NOT_FOUND' });
  });
});
