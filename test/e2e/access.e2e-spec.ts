import { loadConfig } from '../../apps/api/src/config/app-config';
import { startTestApp, type TestApp } from '../support/test-app';

const KEYS = 'reader:read-key-0123456789abcdef:read,writer:write-key-0123456789abcdef:write,ops:admin-key-0123456789abcdef:admin';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const meeting = {
  occurredOn: '2024-07-03',
  title: 'Keyed meeting',
  participants: [
    { name: 'A', country: 'CN' },
    { name: 'B', country: 'RU' },
  ],
};

describe('access with API keys', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_KEYS: KEYS });
  });
  afterAll(async () => {
    await app.close();
  });

  it('refuses writes without a key (401) or with too little scope (403), as problem details', async () => {
    const missing = await app.call('POST', '/api/developments/meetings', meeting);
    expect([missing.status, missing.json.code]).toEqual([401, 'UNAUTHENTICATED']);
    const unknown = await app.call('POST', '/api/developments/meetings', meeting, bearer('nope-nope-nope-nope'));
    expect([unknown.status, unknown.json.code]).toEqual([401, 'UNAUTHENTICATED']);
    const reader = await app.call('POST', '/api/developments/meetings', meeting, bearer('read-key-0123456789abcdef'));
    expect([reader.status, reader.json.code]).toEqual([403, 'FORBIDDEN']);
    expect(reader.headers.get('content-type')).toContain('application/problem+json');
  });

  it("records the key's name as the event's actor", async () => {
    const write = await app.call('POST', '/api/developments/meetings', meeting, bearer('write-key-0123456789abcdef'));
    expect(write.status).toBe(201);
    const events = await app.call(
      'GET',
      `/api/events?after=${BigInt(write.json.position) - 1n}&limit=1`,
      undefined,
      bearer('admin-key-0123456789abcdef'),
    );
    expect(events.json[0].metadata.actor).toBe('writer');
  });

  it('keeps reads public, operations admin-only, and health and docs open', async () => {
    expect((await app.call('GET', '/api/organizations')).status).toBe(200);
    expect((await app.call('GET', '/api/projections')).status).toBe(401);
    expect((await app.call('GET', '/api/events', undefined, bearer('write-key-0123456789abcdef'))).status).toBe(403);
    expect((await app.call('GET', '/api/projections', undefined, bearer('admin-key-0123456789abcdef'))).status).toBe(200);
    expect((await app.call('GET', '/health/ready')).status).toBe(200);
    expect((await app.call('GET', '/docs-json')).status).toBe(200);
  });

  it('sends security headers', async () => {
    const answer = await app.call('GET', '/api/organizations');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBeTruthy();
  });
});

describe('reads behind keys and rate limits', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ API_KEYS: KEYS, PUBLIC_READS: 'false', RATE_LIMIT: '5' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('needs a read key when PUBLIC_READS=false', async () => {
    expect((await app.call('GET', '/api/organizations')).status).toBe(401);
    expect((await app.call('GET', '/api/organizations', undefined, bearer('read-key-0123456789abcdef'))).status).toBe(200);
  });

  it('answers 429 RATE_LIMITED with Retry-After past RATE_LIMIT requests a minute', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await app.call('GET', '/api/organizations', undefined, bearer('write-key-0123456789abcdef')));
    const limited = answers.find((a) => a.status === 429);
    expect(limited?.json.code).toBe('RATE_LIMITED');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('configuration', () => {
  it('refuses to listen on a non-loopback address without keys, naming the variable', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST/);
    expect(() => loadConfig({ HOST: '0.0.0.0', API_KEYS: KEYS })).not.toThrow();
  });

  it('stops on invalid values with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ EVENT_STORE: 'mongo' })).toThrow(/EVENT_STORE/);
    expect(() => loadConfig({ READ_STORE: 'postgres' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ API_KEYS: 'broken' })).toThrow(/API_KEYS/);
    expect(() => loadConfig({ SAMPLE_DATA: 'maybe' })).toThrow(/SAMPLE_DATA/);
  });
});
