/**
 * Black-box HTTP helpers for the fault specs: they take a base URL, so they work against the in-process app
 * (`startTestApp`) and the built service in a child process (`startChildApp`) alike. Every wait is bounded.
 */
export interface Answer {
  readonly status: number;
  readonly text: string;
  readonly json: any;
  readonly headers: Headers;
  /** When the request was sent and how long the answer took, in ms (Date.now()). */
  readonly sentAt: number;
  readonly ms: number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One request; a transport error (refused, reset, timed out) answers status 0 with the message as text. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Answer> {
  const sentAt = Date.now();
  const raw = typeof body === 'string';
  try {
    const response = await fetch(base + path, {
      method,
      headers: { ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json, headers: response.headers, sentAt, ms: Date.now() - sentAt };
  } catch (error) {
    return { status: 0, text: String(error), json: undefined, headers: new Headers(), sentAt, ms: Date.now() - sentAt };
  }
}

/** A meeting of CN with `other`, titled `title`: every such write lands on the CN timeline. */
export const recordMeeting = (base: string, title: string, other = 'RU', occurredOn = '2021-03-04') =>
  call(base, 'POST', '/api/developments/meetings', {
    occurredOn,
    title,
    participants: [
      { name: 'Delegate of CN', country: 'CN' },
      { name: `Delegate of ${other}`, country: other },
    ],
  });

/** A 5xx answer that is a clean RFC 9457 problem: problem media type, status member, no stack, no internal path. */
export function cleanServerProblem(answer: Answer): boolean {
  return (
    answer.status >= 500 &&
    (answer.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    answer.json?.status === answer.status &&
    typeof answer.json?.code === 'string' &&
    !/\n\s+at\s|node_modules|\/work\/|\.ts:\d+|\.js:\d+|"stack"/.test(answer.text)
  );
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs` with `what`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface ProjectionRow {
  name: string;
  position: string;
  lag: number;
  status: string;
  digest: string;
}

export async function projections(base: string): Promise<ProjectionRow[] | undefined> {
  const answer = await call(base, 'GET', '/api/projections', undefined, {}, 10_000);
  return answer.status === 200 ? (answer.json as ProjectionRow[]) : undefined;
}

/** Digests by projection name once every projection runs with no lag, twice in a row. */
export async function caughtUpDigests(base: string, timeoutMs = 30_000): Promise<Record<string, string>> {
  let streak = 0;
  return until('projections caught up', timeoutMs, async () => {
    const rows = await projections(base);
    const done = rows !== undefined && rows.length > 0 && rows.every((p) => p.status === 'running' && p.lag === 0);
    streak = done ? streak + 1 : 0;
    return streak >= 2 ? Object.fromEntries(rows!.map((p) => [p.name, p.digest])) : undefined;
  });
}

/** Starts a blue/green rebuild of every projection and waits until it has finished and caught up. */
export async function rebuildAndWait(base: string, timeoutMs = 60_000): Promise<Record<string, string>> {
  const answer = await call(base, 'POST', '/api/projections/rebuild');
  if (answer.status !== 202) throw new Error(`rebuild answered ${answer.status}: ${answer.text}`);
  // The rebuild starts on a later turn: wait until it is seen running, or already done.
  await sleep(200);
  await until(
    'the rebuild to finish',
    timeoutMs,
    async () => ((await projections(base))?.every((p) => p.status !== 'rebuilding') ? true : undefined),
    200,
  );
  return caughtUpDigests(base, timeoutMs);
}

/** Every development id on a country's timeline, read with read-your-writes at `minPosition`, all pages. */
export async function timelineIds(base: string, country: string, minPosition?: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 200; page++) {
    const query = [`limit=500`, minPosition && !cursor ? `minPosition=${minPosition}` : '', cursor ? `cursor=${cursor}` : '']
      .filter(Boolean)
      .join('&');
    const answer = await call(base, 'GET', `/api/countries/${country}/timeline?${query}`);
    if (answer.status !== 200) throw new Error(`timeline of ${country} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    ids.push(...(answer.json.items as Array<{ developmentId: string }>).map((item) => item.developmentId));
    if (!answer.json.nextCursor) return ids;
    cursor = encodeURIComponent(answer.json.nextCursor as string);
  }
  throw new Error('the timeline did not end within 200 pages');
}

/** The whole raw log, paging with `after`. */
export async function rawEvents(base: string): Promise<Array<{ position: string; type: string; data: any }>> {
  const events: Array<{ position: string; type: string; data: any }> = [];
  let after = '0';
  for (;;) {
    const answer = await call(base, 'GET', `/api/events?limit=1000&after=${after}`);
    if (answer.status !== 200) throw new Error(`GET /api/events answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    events.push(...answer.json);
    if (answer.json.length < 1000) return events;
    after = answer.json[answer.json.length - 1].position;
  }
}

export const maxPosition = (positions: readonly string[]): string =>
  positions
    .map(BigInt)
    .reduce((a, b) => (a > b ? a : b), 0n)
    .toString();

/**
 * Samples a path every `everyMs` until stopped, one request at a time (a slow answer delays the next sample,
 * which is itself worth seeing). Each sample keeps its status, when it was sent and how long it took.
 */
export function sample(base: string, path: string, everyMs = 200): { stop: () => Promise<Answer[]> } {
  const answers: Answer[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      answers.push(await call(base, 'GET', path, undefined, {}, 20_000));
      await sleep(everyMs);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return answers;
    },
  };
}
