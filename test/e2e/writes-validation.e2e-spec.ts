/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import {
  approval,
  ending,
  expectNothingAppended,
  expectProblem,
  expectValidationFailed,
  expectWriteAnswer,
  handover,
  meeting,
  PATHS,
  peaceSummit,
  summit,
} from './support-writes';

type Kind = keyof typeof PATHS;
const BODY: Record<Kind, (extra?: Record<string, unknown>) => Record<string, unknown>> = {
  meeting,
  summit,
  'membership-approval': approval,
  'membership-ending': ending,
  'presidency-handover': handover,
  'peace-summit': peaceSummit,
};
const KINDS = Object.keys(PATHS) as Kind[];

/** [description, kind, changes to a valid body, the field the error names]. */
const INVALID: Array<[string, Kind, Record<string, unknown>, string]> = [
  ['missing occurredOn', 'meeting', { occurredOn: undefined }, 'occurredOn'],
  ['occurredOn with slashes', 'summit', { occurredOn: '2024/07/03' }, 'occurredOn'],
  ['occurredOn with a one-digit month', 'meeting', { occurredOn: '2024-7-03' }, 'occurredOn'],
  ['occurredOn as an ISO instant', 'meeting', { occurredOn: '2024-07-03T10:00:00Z' }, 'occurredOn'],
  ['occurredOn as a number', 'peace-summit', { occurredOn: 2024 }, 'occurredOn'],
  ['occurredOn month 13', 'membership-approval', { occurredOn: '2024-13' }, 'occurredOn'],
  ['occurredOn 2024-02-30 (calendar-invalid)', 'meeting', { occurredOn: '2024-02-30' }, 'occurredOn'],
  ['occurredOn 2023-02-29 (not a leap year)', 'summit', { occurredOn: '2023-02-29', endsOn: undefined }, 'occurredOn'],
  ['occurredOn 2024-04-31', 'presidency-handover', { occurredOn: '2024-04-31' }, 'occurredOn'],
  ['occurredOn day 00', 'meeting', { occurredOn: '2024-07-00' }, 'occurredOn'],
  ['calendar-invalid endsOn', 'meeting', { endsOn: '2024-02-30' }, 'endsOn'],
  ['endsOn before occurredOn', 'summit', { occurredOn: '2024-07-03', endsOn: '2024-07-02' }, 'endsOn'],
  ['endsOn a year before occurredOn', 'peace-summit', { occurredOn: '2024-06-15', endsOn: '2023' }, 'endsOn'],
  ['calendar-invalid effectiveOn', 'membership-approval', { effectiveOn: '2024-02-30' }, 'effectiveOn'],
  ['calendar-invalid termEndsOn', 'presidency-handover', { termEndsOn: '2025-02-29' }, 'termEndsOn'],
  ['missing title', 'meeting', { title: undefined }, 'title'],
  ['empty title', 'summit', { title: '' }, 'title'],
  ['title of 201 characters', 'membership-approval', { title: 'x'.repeat(201) }, 'title'],
  ['title as a number', 'meeting', { title: 42 }, 'title'],
  ['title null', 'meeting', { title: null }, 'title'],
  ['summary over 5000 characters', 'peace-summit', { summary: 's'.repeat(5001) }, 'summary'],
  ['21 sources', 'meeting', { sources: Array.from({ length: 21 }, (_, i) => ({ url: `https://example.org/${i}` })) }, 'sources'],
  ['a source with neither url nor publisher', 'summit', { sources: [{ title: 'Somewhere' }] }, 'sources'],
  ['a javascript: source url', 'meeting', { sources: [{ url: 'javascript:alert(1)' }] }, 'sources'],
  ['an ftp: source url', 'membership-ending', { sources: [{ url: 'ftp://example.org/report.txt', publisher: 'Example' }] }, 'sources'],
  ['a relative source url', 'meeting', { sources: [{ url: '/news/1' }] }, 'sources'],
  ['sources not an array', 'meeting', { sources: { url: 'https://example.org' } }, 'sources'],
  ['21 tags', 'summit', { tags: Array.from({ length: 21 }, (_, i) => `tag${i}`) }, 'tags'],
  ['a tag of 51 characters', 'meeting', { tags: ['t'.repeat(51)] }, 'tags'],
  ['a tag that is not a string', 'meeting', { tags: [7] }, 'tags'],
  ['an unknown top-level field', 'meeting', { mood: 'cordial' }, 'mood'],
  ['an unknown top-level field on an approval', 'membership-approval', { votes: 9 }, 'votes'],
  [
    'an unknown field in a participant',
    'meeting',
    {
      participants: [
        { name: 'A', country: 'CN', age: 70 },
        { name: 'B', country: 'RU' },
      ],
    },
    'participants',
  ],
  ['an unknown field in a location', 'summit', { location: { city: 'Astana', country: 'KZ', street: 'Main' } }, 'location'],
  ['an unknown field in a source', 'peace-summit', { sources: [{ url: 'https://example.org', rating: 5 }] }, 'sources'],
  ['an unknown field in an absentee', 'peace-summit', { absentees: [{ country: 'RU', reason: 'declined', note: 'x' }] }, 'absentees'],
  ['a single participant', 'meeting', { participants: [{ name: 'Xi Jinping', country: 'CN' }] }, 'participants'],
  ['no participants', 'meeting', { participants: [] }, 'participants'],
  ['participants missing', 'meeting', { participants: undefined }, 'participants'],
  ['participants as bare strings', 'meeting', { participants: ['CN', 'RU'] }, 'participants'],
  ['a participant without a name', 'meeting', { participants: [{ country: 'CN' }, { name: 'B', country: 'RU' }] }, 'participants'],
  [
    'participant country XX',
    'meeting',
    {
      participants: [
        { name: 'A', country: 'XX' },
        { name: 'B', country: 'RU' },
      ],
    },
    'participants',
  ],
  [
    'participant country ZZZ',
    'meeting',
    {
      participants: [
        { name: 'A', country: 'ZZZ' },
        { name: 'B', country: 'RU' },
      ],
    },
    'participants',
  ],
  [
    'participant country 123',
    'meeting',
    {
      participants: [
        { name: 'A', country: '123' },
        { name: 'B', country: 'RU' },
      ],
    },
    'participants',
  ],
  ['location country XX', 'meeting', { location: { city: 'Nowhere', country: 'XX' } }, 'location'],
  ['summit host ZZZ', 'summit', { host: 'ZZZ' }, 'host'],
  ['summit host missing', 'summit', { host: undefined }, 'host'],
  ['summit organization missing', 'summit', { organization: undefined }, 'organization'],
  ['approval country XX', 'membership-approval', { country: 'XX' }, 'country'],
  ['approval country as a number', 'membership-approval', { country: 123 }, 'country'],
  ['approval country as a name', 'membership-approval', { country: 'Belarus' }, 'country'],
  ['ending country 123', 'membership-ending', { country: '123' }, 'country'],
  ['handover to ZZZ', 'presidency-handover', { to: 'ZZZ' }, 'to'],
  ['handover from XX', 'presidency-handover', { from: 'XX' }, 'from'],
  ['handover without to', 'presidency-handover', { to: undefined }, 'to'],
  ['peace summit attendee XX', 'peace-summit', { attendees: ['UA', 'XX'] }, 'attendees'],
  ['peace summit absentee ZZZ', 'peace-summit', { absentees: [{ country: 'ZZZ', reason: 'declined' }] }, 'absentees'],
  ['bad membership status', 'membership-approval', { status: 'ally' }, 'status'],
  ['bad ending reason', 'membership-ending', { reason: 'quit' }, 'reason'],
  ['missing ending reason', 'membership-ending', { reason: undefined }, 'reason'],
  ['bad absentee reason', 'peace-summit', { absentees: [{ country: 'RU', reason: 'busy' }] }, 'absentees'],
  ['empty attendees', 'peace-summit', { attendees: [] }, 'attendees'],
  ['attendees missing', 'peace-summit', { attendees: undefined }, 'attendees'],
  ['an id that is not a UUID', 'meeting', { id: 'not-a-uuid' }, 'id'],
  ['a numeric id', 'summit', { id: 12345 }, 'id'],
];

describe('validation of writes', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it.each(KINDS)('accepts the valid base %s body used below', async (kind) => {
    // The approval case (run just before) gives Belarus the membership the ending case ends.
    if (kind === 'membership-ending')
      expect([201, 409]).toContain((await app.call('POST', PATHS['membership-approval'], approval())).status);
    // The SCO has recorded members now: its presidency goes to a full member, so China's membership comes first.
    if (kind === 'presidency-handover')
      expect([201, 409]).toContain(
        (await app.call('POST', PATHS['membership-approval'], approval({ country: 'CN', occurredOn: '2001-06-15' }))).status,
      );
    expectWriteAnswer(await app.call('POST', PATHS[kind], BODY[kind]()), 201, kind);
  });

  it.each(INVALID)('answers 400 VALIDATION_FAILED for %s (%s) and appends nothing', async (_name, kind, changes, field) => {
    const response = await expectNothingAppended(app, () => app.call('POST', PATHS[kind], BODY[kind](changes)));
    expectValidationFailed(response, field);
  });

  it('accepts the limits themselves: 200-character title, 5000-character summary, 20 sources, 20 tags of 50, a leap day', async () => {
    const response = await app.call(
      'POST',
      PATHS.meeting,
      meeting({
        occurredOn: '2024-02-29',
        title: 't'.repeat(200),
        summary: 's'.repeat(5000),
        sources: Array.from({ length: 20 }, (_, i) => (i % 2 ? { url: `http://example.org/${i}` } : { publisher: `Agency ${i}` })),
        tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(50, 'x')),
      }),
    );
    expectWriteAnswer(response, 201, 'meeting');
  });

  const raw =
    (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    () =>
      app.call('POST', PATHS.meeting, body, headers);

  it.each([
    ['malformed JSON', raw('{"title": "Xi and Putin", ')],
    ['a JSON array body', raw(JSON.stringify([meeting()]))],
    ['an empty array body', raw('[]')],
    ['a JSON string body', raw('"meeting"')],
    ['a JSON null body', raw('null')],
    ['an empty JSON body', raw('')],
    ['an empty object', raw('{}')],
    ['a body with __proto__', raw('{"__proto__": {"admin": true}, "occurredOn": "2024-07-03", "title": "x", "participants": []}')],
  ])('answers 400 VALIDATION_FAILED with errors for %s and appends nothing', async (_name, request) => {
    const response = await expectNothingAppended(app, request);
    expectValidationFailed(response);
  });

  it('answers 400 for a write with no body at all and appends nothing', async () => {
    const response = await expectNothingAppended(app, () => app.call('POST', PATHS.summit));
    expectValidationFailed(response);
  });

  it.each([
    ['a summit', 'summit', summit({ organization: 'NOPE' })],
    ['a meeting occasion', 'meeting', meeting({ organization: 'nope' })],
    ['a membership approval', 'membership-approval', approval({ organization: 'NOPE' })],
    ['a membership ending', 'membership-ending', ending({ organization: 'NOPE' })],
    ['a presidency handover', 'presidency-handover', handover({ organization: 'NOPE' })],
  ] as const)('answers 422 UNKNOWN_ORGANIZATION for an unknown organization in %s and appends nothing', async (_name, kind, body) => {
    const response = await expectNothingAppended(app, () => app.call('POST', PATHS[kind], body));
    expectProblem(response, 422, 'UNKNOWN_ORGANIZATION');
  });

  it.each([
    '/api/organizations/NOPE',
    '/api/organizations/nope/timeline',
    '/api/organizations/NOPE/members',
    '/api/organizations/NOPE/presidencies',
  ])('answers 404 for an unknown organization code in the path %s', async (path) => {
    const response = await app.call('GET', path);
    expect({ status: response.status, text: response.text }).toEqual({ status: 404, text: response.text });
    expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
    expect(response.json).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: 404,
        detail: expect.any(String),
        code: expect.stringMatching(/^[A-Z_]+$/),
      }),
    );
  });

  it('answers 413 for a body over 1 MiB and appends nothing', async () => {
    const big = JSON.stringify(meeting({ summary: 'x'.repeat(1024 * 1024 + 10) }));
    const response = await expectNothingAppended(app, raw(big));
    expectProblem(response, 413, response.json?.code ?? 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 for an over-1-MiB body of many small tags and appends nothing', async () => {
    const big = JSON.stringify(summit({ tags: Array.from({ length: 120_000 }, (_, i) => `tag-${i}`) }));
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const response = await expectNothingAppended(app, raw(big));
    expect(response.status).toBe(413);
  });

  it('names every invalid field at once', async () => {
    const response = await app.call('POST', PATHS.meeting, {
      occurredOn: '2024-02-30',
      title: '',
      participants: [{ name: 'A', country: 'XX' }],
    });
    expectValidationFailed(response);
    const fields: string[] = response.json.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['occurredOn', 'title']));
    expect(fields.some((f) => f.startsWith('participants'))).toBe(true);
  });

  it('answers problems that carry no stack trace and no filesystem path, even for nonsense', async () => {
    for (const body of [
      '{"occurredOn": {"$gt": ""}}',
      '{"participants": "x"}',
      '{"sources": [null]}',
      '{"location": "Astana"}',
      '{"tags": "a,b"}',
    ]) {
      const response = await expectNothingAppended(app, raw(body));
      expectValidationFailed(response);
    }
  });
});
