/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import { expectProblem, expectWriteAnswer, meeting, PATHS, summit } from './support-writes';

describe('writes with API keys', () => {
  let secured: TestApp;
  const KEYS = { alice: 'alice-key-0123456789', reader: 'reader-key-0123456789', root: 'root-key-0123456789' };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const log = async () =>
    (await secured.call('GET', '/api/events?limit=1000', undefined, bearer(KEYS.root))).json as Array<{
      eventId: string;
      metadata: { actor: string };
    }>;
  beforeAll(async () => {
    secured = await startTestApp({ API_KEYS: `alice:${KEYS.alice}:write,reader:${KEYS.reader}:read,root:${KEYS.root}:admin` });
  });
  afterAll(async () => {
    await secured.close();
  });

  it('records the key name as the actor of the events it writes', async () => {
    const response = await secured.call('POST', PATHS.meeting, meeting(), bearer(KEYS.alice));
    expectWriteAnswer(response, 201, 'meeting');
    const correction = await secured.call(
      'POST',
      `/api/developments/${response.json.developmentId}/corrections`,
      { changes: { title: 'Corrected' }, reason: 'x' },
      bearer(KEYS.root),
    );
    expect(correction.status).toBe(201);
    const events = await log();
    expect(events.find((e) => e.eventId === response.json.eventId)!.metadata.actor).toBe('alice');
    expect(events.find((e) => e.eventId === correction.json.eventId)!.metadata.actor).toBe('root');
  });

  it.each([
    ['no key', {}, 401, 'UNAUTHENTICATED'],
    ['an unknown key', { authorization: 'Bearer not-a-known-key-123456' }, 401, 'UNAUTHENTICATED'],
    ['a read key', { authorization: `Bearer ${KEYS.reader}` }, 403, 'FORBIDDEN'],
  ] as const)('refuses a write with %s and appends nothing', async (_name, headers, status, code) => {
    const before = (await log()).length;
    expectProblem(await secured.call('POST', PATHS.summit, summit(), headers), status, code);
    expectProblem(await secured.call('POST', '/api/organizations', { code: 'KEYORG', name: 'x' }, headers), status, code);
    expectProblem(
      await secured.call('POST', '/api/import', JSON.stringify({ kind: 'meeting', ...meeting() }), {
        ...headers,
        'content-type': 'application/x-ndjson',
      }),
      status,
      code,
    );
    expect((await log()).length).toBe(before);
  });
});
