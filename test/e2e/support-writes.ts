/** Shared helpers for the `writes-*` e2e specs: bodies of each kind, the raw log, problem assertions. */
import { randomUUID } from 'node:crypto';
import type { TestApp, TestResponse } from '../support/test-app';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RawEvent {
  position: string;
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  data: any;
  metadata: any;
  recordedAt: string;
}

/** The whole raw log, paging with `after`. */
export async function allEvents(app: TestApp): Promise<RawEvent[]> {
  const events: RawEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await app.call('GET', `/api/events?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    if (page.status !== 200) throw new Error(`GET /api/events answered ${page.status}: ${page.text}`);
    events.push(...(page.json as RawEvent[]));
    if (page.json.length < 1000) return events;
    after = page.json[page.json.length - 1].position;
  }
}

export const eventCount = async (app: TestApp) => (await allEvents(app)).length;

export async function eventsOfDevelopment(app: TestApp, developmentId: string): Promise<RawEvent[]> {
  return (await allEvents(app)).filter((e) => e.data?.developmentId === developmentId);
}

/** Runs `request` and expects the raw log to be exactly as long afterwards as before. */
export async function expectNothingAppended(app: TestApp, request: () => Promise<TestResponse>): Promise<TestResponse> {
  const before = await eventCount(app);
  const response = await request();
  expect(await eventCount(app)).toBe(before);
  return response;
}

/** An RFC 9457 problem: status, code, media type, the five members, no stack trace nor filesystem path. */
export function expectProblem(response: TestResponse, status: number, code: string): void {
  const context = `${response.status} ${response.text}`;
  expect({ status: response.status, code: response.json?.code, context }).toEqual({ status, code, context });
  expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  expect(response.json).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code }),
  );
  expect(response.text).not.toMatch(/\n\s+at\s|node_modules|\/work\/|\/apps\/|\/libs\/|\.ts:\d+|\.js:\d+|"stack"/);
}

export function expectValidationFailed(response: TestResponse, field?: string | RegExp): void {
  expectProblem(response, 400, 'VALIDATION_FAILED');
  expect(Array.isArray(response.json.errors)).toBe(true);
  expect(response.json.errors.length).toBeGreaterThan(0);
  for (const error of response.json.errors)
    expect(error).toEqual(expect.objectContaining({ field: expect.any(String), message: expect.any(String) }));
  if (field !== undefined) {
    const fields: string[] = response.json.errors.map((e: { field: string }) => e.field);
    const matches = fields.some((f) => (typeof field === 'string' ? f === field || f.startsWith(`${field}.`) : field.test(f)));
    expect({ fields, matches }).toEqual({ fields, matches: true });
  }
}

export function expectWriteAnswer(response: TestResponse, status: 201 | 200, kind: string): void {
  expect({ status: response.status, text: response.text }).toEqual({ status, text: response.text });
  expect(response.json).toEqual({
    developmentId: expect.stringMatching(UUID),
    kind,
    eventId: expect.stringMatching(UUID),
    stream: expect.any(String),
    revision: expect.any(Number),
    position: expect.any(String),
    // When it was recorded: what a user needs to try asKnownAt.
    recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
  });
}

/** A country-distinct pool for tests that need many different members. */
export const COUNTRIES = [
  'CN',
  'RU',
  'IN',
  'PK',
  'KZ',
  'KG',
  'TJ',
  'UZ',
  'IR',
  'BY',
  'MN',
  'AF',
  'TR',
  'EG',
  'SA',
  'AE',
  'QA',
  'KW',
  'BH',
  'MM',
  'KH',
  'NP',
  'LK',
  'AZ',
  'AM',
];

export const meeting = (extra: Record<string, unknown> = {}) => ({
  occurredOn: '2024-07-03',
  title: 'Xi and Putin meet in Astana',
  participants: [
    { name: 'Xi Jinping', country: 'CHN', role: 'President' },
    { name: 'Vladimir Putin', country: 'ru' },
  ],
  location: { city: 'Astana', country: 'KAZ' },
  ...extra,
});

export const summit = (extra: Record<string, unknown> = {}) => ({
  organization: 'SCO',
  occurredOn: '2024-07-03',
  endsOn: '2024-07-04',
  title: 'SCO summit in Astana',
  host: 'KZ',
  location: { city: 'Astana', country: 'KZ' },
  sources: [{ url: 'https://www.reuters.com/world/sco-summit', publisher: 'Reuters' }],
  tags: ['sco', 'summit'],
  ...extra,
});

export const approval = (extra: Record<string, unknown> = {}) => ({
  organization: 'SCO',
  country: 'BY',
  occurredOn: '2024-07-04',
  title: 'SCO admits Belarus',
  ...extra,
});

export const ending = (extra: Record<string, unknown> = {}) => ({
  organization: 'SCO',
  country: 'BY',
  occurredOn: '2025-01-01',
  title: 'Belarus leaves the SCO',
  reason: 'withdrawal',
  ...extra,
});

export const handover = (extra: Record<string, unknown> = {}) => ({
  organization: 'SCO',
  occurredOn: '2024-07-04',
  title: 'China takes over the SCO presidency',
  from: 'KZ',
  to: 'CN',
  ...extra,
});

export const peaceSummit = (extra: Record<string, unknown> = {}) => ({
  occurredOn: '2024-06-15',
  endsOn: '2024-06-16',
  title: 'Summit on Peace in Ukraine',
  host: 'CHE',
  location: { city: 'Bürgenstock', country: 'CH' },
  conflict: 'Russo-Ukrainian War',
  attendees: ['UA', 'US', 'deu'],
  absentees: [
    { country: 'RU', reason: 'not-invited' },
    { country: 'CHN', reason: 'declined' },
  ],
  ...extra,
});

export const PATHS = {
  meeting: '/api/developments/meetings',
  summit: '/api/developments/summits',
  'membership-approval': '/api/developments/membership-approvals',
  'membership-ending': '/api/developments/membership-endings',
  'presidency-handover': '/api/developments/presidency-handovers',
  'peace-summit': '/api/developments/peace-summits',
} as const;

/** Registers a fresh organization (unique code) and returns its code. */
export async function freshOrganization(app: TestApp, prefix = 'T'): Promise<string> {
  const code = `${prefix}${randomUUID().replace(/-/g, '').slice(0, 8)}`.toUpperCase().replace(/^[^A-Z]/, 'X');
  const response = await app.call('POST', '/api/organizations', { code, name: `Test organization ${code}` });
  if (response.status !== 201) throw new Error(`registering ${code} answered ${response.status}: ${response.text}`);
  return code;
}

export async function post(app: TestApp, path: string, body: unknown): Promise<TestResponse> {
  return app.call('POST', path, body);
}

export async function members(app: TestApp, organization: string, asOf: string, minPosition?: string) {
  const response = await app.call(
    'GET',
    `/api/organizations/${organization}/members?asOf=${asOf}${minPosition ? `&minPosition=${minPosition}` : ''}`,
  );
  expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: response.text });
  return response.json.members as Array<{ country: string; status: string; since: string }>;
}

export { randomUUID };
