/** Shared helpers for the reads-* and operations-* end-to-end specs: black-box, over HTTP only. */
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app';

export type Json = Record<string, any>;

export const PATHS = {
  meeting: 'meetings',
  summit: 'summits',
  'membership-approval': 'membership-approvals',
  'membership-ending': 'membership-endings',
  'presidency-handover': 'presidency-handovers',
  'peace-summit': 'peace-summits',
} as const;
export type Kind = keyof typeof PATHS;

/** Starts a fresh app before the enclosing describe block and closes it after; `ctx.app` inside tests. */
export function useApp(env: Record<string, string> = {}): { app: TestApp; w: Writer } {
  const ctx = {} as { app: TestApp; w: Writer };
  beforeAll(async () => {
    ctx.app = await startTestApp(env);
    ctx.w = new Writer(ctx.app);
  });
  afterAll(async () => {
    await ctx.app?.close();
  });
  return ctx;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Fails with the whole answer in the message, so a failing expectation explains itself. */
export function expectStatus(response: TestResponse, status: number, what = ''): void {
  if (response.status !== status)
    throw new Error(`${what} expected HTTP ${status}, got ${response.status}: ${response.text.slice(0, 1000)}`);
}

/** Records developments, remembers the latest position so reads can ask for read-your-writes. */
export class Writer {
  position = '0';
  constructor(readonly app: TestApp) {}

  async record(kind: Kind, body: Json): Promise<Json> {
    const response = await this.app.call('POST', `/api/developments/${PATHS[kind]}`, body);
    expectStatus(response, 201, `POST ${kind} ${JSON.stringify(body).slice(0, 200)}`);
    this.track(response.json.position);
    return response.json;
  }

  meeting(occurredOn: string, title: string, countries: string[], extra: Json = {}) {
    const participants = countries.map((country, i) => ({ name: `Leader ${i} of ${country}`, country }));
    return this.record('meeting', { occurredOn, title, participants, ...extra });
  }

  summit(organization: string, host: string, occurredOn: string, title: string, extra: Json = {}) {
    return this.record('summit', { organization, host, occurredOn, title, ...extra });
  }

  approval(organization: string, country: string, occurredOn: string, extra: Json = {}) {
    return this.record('membership-approval', { organization, country, occurredOn, title: `${country} joins ${organization}`, ...extra });
  }

  ending(organization: string, country: string, occurredOn: string, reason = 'withdrawal', extra: Json = {}) {
    return this.record('membership-ending', {
      organization,
      country,
      occurredOn,
      reason,
      title: `${country} leaves ${organization}`,
      ...extra,
    });
  }

  handover(organization: string, from: string | undefined, to: string, occurredOn: string, extra: Json = {}) {
    return this.record('presidency-handover', {
      organization,
      ...(from ? { from } : {}),
      to,
      occurredOn,
      title: `${to} takes over ${organization}`,
      ...extra,
    });
  }

  peaceSummit(host: string, attendees: string[], occurredOn: string, title: string, extra: Json = {}) {
    return this.record('peace-summit', { host, attendees, occurredOn, title, ...extra });
  }

  async correct(id: string, changes: Json, reason = 'new reports'): Promise<Json> {
    const response = await this.app.call('POST', `/api/developments/${id}/corrections`, { changes, reason });
    expectStatus(response, 201, `correct ${id}`);
    this.track(response.json.position);
    return response.json;
  }

  async retract(id: string, reason = 'did not happen'): Promise<Json> {
    const response = await this.app.call('POST', `/api/developments/${id}/retraction`, { reason });
    expectStatus(response, 201, `retract ${id}`);
    this.track(response.json.position);
    return response.json;
  }

  async organization(code: string, name = `Test organization ${code}`): Promise<Json> {
    const response = await this.app.call('POST', '/api/organizations', { code, name });
    expectStatus(response, 201, `register ${code}`);
    this.track(response.json.position);
    return response.json;
  }

  private track(position: unknown): void {
    if (typeof position !== 'string') throw new Error(`write answered without a string position: ${String(position)}`);
    if (/^\d+$/.test(position) && /^\d+$/.test(this.position) ? BigInt(position) > BigInt(this.position) : true) this.position = position;
  }

  /** GET with query parameters, and minPosition of the latest write (read-your-writes). */
  get(path: string, params: Record<string, string | number | undefined> = {}): Promise<TestResponse> {
    return this.app.call('GET', withQuery(path, { minPosition: this.position, ...params }));
  }

  /** GET that must answer 200; returns the JSON. */
  async ok(path: string, params: Record<string, string | number | undefined> = {}): Promise<Json> {
    const response = await this.get(path, params);
    expectStatus(response, 200, `GET ${path} ${JSON.stringify(params)}`);
    return response.json;
  }

  /** Items of one page (limit 500 unless given). */
  async items(path: string, params: Record<string, string | number | undefined> = {}): Promise<Json[]> {
    const page = await this.ok(path, { limit: 500, ...params });
    return page.items as Json[];
  }

  async titles(path: string, params: Record<string, string | number | undefined> = {}): Promise<string[]> {
    return (await this.items(path, params)).map((item) => item.title as string);
  }

  async ids(path: string, params: Record<string, string | number | undefined> = {}): Promise<string[]> {
    return (await this.items(path, params)).map((item) => item.developmentId as string);
  }

  /** Follows nextCursor to the end; returns every item and the number of pages. */
  async allPages(
    path: string,
    params: Record<string, string | number | undefined>,
  ): Promise<{ items: Json[]; pages: number; cursors: Array<string | null> }> {
    const items: Json[] = [];
    const cursors: Array<string | null> = [];
    let cursor: string | undefined;
    for (let pages = 1; pages <= 500; pages++) {
      const page = await this.ok(path, { ...params, ...(cursor ? { cursor } : {}) });
      items.push(...(page.items as Json[]));
      cursors.push(page.nextCursor);
      if (page.nextCursor === null) return { items, pages, cursors };
      if (typeof page.nextCursor !== 'string' || page.nextCursor.length === 0)
        throw new Error(`nextCursor must be a string or null, got ${JSON.stringify(page.nextCursor)}`);
      cursor = page.nextCursor;
    }
    throw new Error('pagination did not end within 500 pages');
  }
}

export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path;
}

/** An RFC 9457 problem with the given status (and code, when given). */
export function expectProblem(response: TestResponse, status: number, code?: string): void {
  expectStatus(response, status);
  expect(response.headers.get('content-type') ?? '').toMatch(/application\/problem\+json/);
  expect(response.json).toEqual(expect.objectContaining({ status, title: expect.any(String) }));
  if (code) expect(response.json.code).toBe(code);
  expect(response.text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // never a stack trace
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: string;
  lag: number;
  status: string;
  digest: string;
}

export async function projections(app: TestApp): Promise<ProjectionStatus[]> {
  const response = await app.call('GET', '/api/projections');
  expectStatus(response, 200, 'GET /api/projections');
  return response.json as ProjectionStatus[];
}

/** Polls /api/projections until every projection runs with no lag (twice in a row), or fails after `timeoutMs`. */
export async function waitCaughtUp(app: TestApp, timeoutMs = 20_000): Promise<ProjectionStatus[]> {
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  let last: ProjectionStatus[] = [];
  while (Date.now() < deadline) {
    last = await projections(app);
    const done = last.length > 0 && last.every((p) => p.status === 'running' && p.lag === 0);
    streak = done ? streak + 1 : 0;
    if (streak >= 2) return last;
    await sleep(50);
  }
  throw new Error(`projections not caught up after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

export const digests = (statuses: ProjectionStatus[]) => Object.fromEntries(statuses.map((p) => [p.name, p.digest]));

/** A client-side instant strictly between what was recorded before and what will be recorded after. */
export async function instantBetween(): Promise<string> {
  await sleep(15);
  const at = new Date().toISOString();
  await sleep(15);
  return at;
}
