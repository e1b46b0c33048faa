/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import {
  allEvents,
  approval,
  ending,
  eventCount,
  expectNothingAppended,
  expectProblem,
  freshOrganization,
  handover,
  meeting,
  peaceSummit,
  randomUUID,
  summit,
} from './support-writes';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const line = (kind: string, body: Record<string, unknown>) => JSON.stringify({ kind, ...body });

describe('NDJSON import', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const importing = (text: string, headers: Record<string, string> = NDJSON) => app.call('POST', '/api/import', text, headers);
  const head = async () => (await allEvents(app)).at(-1)!.position;

  it('imports one development of every kind a line: 200 with accepted and an empty rejected list, one event each', async () => {
    const organization = await freshOrganization(app);
    const before = await eventCount(app);
    const text = [
      line('meeting', meeting()),
      line('summit', summit({ organization })),
      line('membership-approval', approval({ organization })),
      line('membership-ending', ending({ organization })),
      line('presidency-handover', handover({ organization })),
      line('peace-summit', peaceSummit()),
    ].join('\n');
    const response = await importing(`${text}\n`);
    expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: response.text });
    expect(response.json).toEqual(expect.objectContaining({ accepted: 6, rejected: [] }));
    const events = await allEvents(app);
    expect(events.length).toBe(before + 6);
    expect(events.slice(-6).map((e) => e.type)).toEqual([
      'MeetingHeld',
      'SummitHeld',
      'MembershipApproved',
      'MembershipEnded',
      'PresidencyHandedOver',
      'PeaceSummitHeld',
    ]);
    for (const event of events.slice(-6))
      expect(event.metadata).toEqual(
        expect.objectContaining({
          actor: 'anonymous',
          eventId: event.eventId,
          correlationId: expect.any(String),
          causationId: expect.any(String),
        }),
      );
  });

  it('judges each line on its own, in order, counting lines from 1 and skipping blank lines', async () => {
    const organization = await freshOrganization(app);
    const before = await eventCount(app);
    const lines = [
      /* 1 */ line('membership-approval', approval({ organization, country: 'BY', occurredOn: '2024-07-04' })),
      /* 2 */ '',
      /* 3 */ '{"kind": "meeting", "title": ',
      /* 4 */ line('membership-approval', approval({ organization, country: 'BY', occurredOn: '2024-08-01' })),
      /* 5 */ '   ',
      /* 6 */ line('meeting', meeting({ title: '' })),
      /* 7 */ line('membership-ending', ending({ organization, country: 'BY', occurredOn: '2025-01-01' })),
      /* 8 */ line('summit', summit({ organization: 'NOPE' })),
      /* 9 */ line('membership-ending', ending({ organization, country: 'RU', occurredOn: '2025-01-01' })),
      /* 10 */ line('coronation', { occurredOn: '2024', title: 'x' }),
      /* 11 */ JSON.stringify(meeting()),
      /* 12 */ line('presidency-handover', handover({ organization, occurredOn: '2024', from: undefined, to: 'CN' })),
      /* 13 */ line('presidency-handover', handover({ organization, occurredOn: '2025', from: 'RU', to: 'IN' })),
      /* 14 */ '[1, 2]',
      /* 15 */ line('meeting', meeting({ mood: 'tense' })),
    ];
    const response = await importing(lines.join('\n'));
    expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: response.text });
    expect(response.json.accepted).toBe(3);
    expect(response.json.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [3, 'VALIDATION_FAILED'],
      [4, 'MEMBERSHIP_ALREADY_ACTIVE'],
      [6, 'VALIDATION_FAILED'],
      [8, 'UNKNOWN_ORGANIZATION'],
      [9, 'MEMBERSHIP_NOT_ACTIVE'],
      [10, 'VALIDATION_FAILED'],
      [11, 'VALIDATION_FAILED'],
      [13, 'PRESIDENCY_HOLDER_MISMATCH'],
      [14, 'VALIDATION_FAILED'],
      [15, 'VALIDATION_FAILED'],
    ]);
    const six = response.json.rejected.find((r: { line: number }) => r.line === 6);
    expect(six.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'title', message: expect.any(String) })]));
    const fifteen = response.json.rejected.find((r: { line: number }) => r.line === 15);
    expect(fifteen.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'mood' })]));
    for (const rejected of response.json.rejected) {
      if (rejected.errors !== undefined)
        for (const error of rejected.errors)
          expect(error).toEqual(expect.objectContaining({ field: expect.any(String), message: expect.any(String) }));
    }
    expect(await eventCount(app)).toBe(before + 3);
  });

  it('shows accepted lines on the timelines', async () => {
    const organization = await freshOrganization(app);
    const title = `Imported summit ${randomUUID()}`;
    const response = await importing(
      [line('summit', summit({ organization, title })), line('meeting', meeting({ title: `${title} (meeting)`, organization }))].join('\n'),
    );
    expect(response.json).toEqual(expect.objectContaining({ accepted: 2, rejected: [] }));
    const position = await head();
    const timeline = await app.call('GET', `/api/organizations/${organization}/timeline?minPosition=${position}`);
    expect(timeline.status).toBe(200);
    expect(timeline.json.items.map((i: { title: string }) => i.title)).toEqual([title, `${title} (meeting)`]);
    const country = await app.call('GET', `/api/countries/KZ/timeline?minPosition=${position}&limit=500`);
    expect(country.json.items.map((i: { title: string }) => i.title)).toContain(title);
  });

  it('accepts CRLF line endings and a charset parameter', async () => {
    const organization = await freshOrganization(app);
    const text = [line('summit', summit({ organization })), line('membership-approval', approval({ organization }))].join('\r\n');
    const response = await importing(`${text}\r\n`, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: response.text });
    expect(response.json).toEqual(expect.objectContaining({ accepted: 2, rejected: [] }));
  });

  it('answers 200 with nothing accepted for an empty body', async () => {
    const response = await expectNothingAppended(app, () => importing(''));
    expect(response.status).toBe(200);
    expect(response.json).toEqual(expect.objectContaining({ accepted: 0, rejected: [] }));
  });

  it('treats a line repeated with the same id and content as already done, and other content under that id as a conflict', async () => {
    const id = randomUUID();
    const response = await importing(
      [line('meeting', meeting({ id })), line('meeting', meeting({ id })), line('meeting', meeting({ id, title: 'Other' }))].join('\n'),
    );
    expect(response.status).toBe(200);
    expect(response.json.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([[3, 'IDEMPOTENCY_CONFLICT']]);
    expect((await allEvents(app)).filter((e) => e.data?.developmentId === id)).toHaveLength(1);
  });

  it('records nothing when the same file is imported twice, and says so: lines with and without ids, corrections, retractions', async () => {
    const organization = await freshOrganization(app);
    const id = randomUUID();
    const member = randomUUID();
    const text = [
      line('meeting', meeting({ id })),
      line('meeting', meeting({ title: 'A meeting without an id' })),
      line('summit', summit({ organization })),
      line('membership-approval', approval({ organization, id: member })),
      JSON.stringify({ kind: 'correction', developmentId: id, changes: { title: 'Corrected in the file' }, reason: 'wording' }),
      JSON.stringify({ kind: 'correction', developmentId: member, changes: { title: 'Approval corrected' }, reason: 'wording' }),
      JSON.stringify({ kind: 'retraction', developmentId: member, reason: 'never happened' }),
    ].join('\n');
    const first = await importing(text);
    expect(first.json).toEqual(expect.objectContaining({ accepted: 7, alreadyRecorded: 0, rejected: [] }));
    const before = await eventCount(app);
    const second = await importing(text);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(expect.objectContaining({ accepted: 0, alreadyRecorded: 7, rejected: [] }));
    expect(await eventCount(app)).toBe(before);
  });

  it('decides each line against the earlier lines of the same request: an approval, then a second approval of the same member', async () => {
    const organization = await freshOrganization(app);
    const text = [
      line('membership-approval', approval({ organization, country: 'KZ', occurredOn: '2001' })),
      line('membership-approval', approval({ organization, country: 'KZ', occurredOn: '2005' })),
      line('membership-ending', ending({ organization, country: 'KZ', occurredOn: '2010' })),
      line('membership-ending', ending({ organization, country: 'KZ', occurredOn: '2011' })),
    ].join('\n');
    const response = await importing(text);
    expect(response.json.accepted).toBe(2);
    expect(response.json.rejected.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [2, 'MEMBERSHIP_ALREADY_ACTIVE'],
      [4, 'MEMBERSHIP_NOT_ACTIVE'],
    ]);
  });

  it.each([
    ['application/json', { 'content-type': 'application/json' }],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['text/csv', { 'content-type': 'text/csv' }],
    ['no content type', {}],
  ])('answers 415 for %s and appends nothing', async (_name, headers) => {
    const body = line('meeting', meeting());
    const response = await expectNothingAppended(app, () => importing(body, headers));
    expectProblem(response, 415, response.json?.code ?? 'UNSUPPORTED_MEDIA_TYPE');
  });
});
