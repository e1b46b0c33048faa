/**
 * Shared machinery of the `fuzz-*` e2e specs (issue "Hardening"): a raw HTTP client that sends paths verbatim,
 * a ledger of the event log, an oracle of the HTTP contract (docs: shared/product/http-api.md), hostile value
 * generators and a collector that reports every distinct violation of a run instead of only the first one.
 *
 * Knobs: FUZZ_SEED (default 20250704) replays a run; FUZZ_SCALE (default 1) multiplies every numRuns.
 */
import http from 'node:http';
import fc from 'fast-check';
import countries from 'i18n-iso-countries';
import { startTestApp, type TestApp } from '../support/test-app';

export { fc };

export const SEED = Number(process.env.FUZZ_SEED ?? 20250704);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const runs = (n: number) => Math.max(1, Math.round(n * SCALE));
/** Runs a property over `numRuns` generated cases with a fixed seed. Violations are collected, not thrown. */
export async function fuzz<T>(arb: fc.Arbitrary<T>, numRuns: number, run: (value: T) => Promise<void>, salt = 0): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      await run(value);
    }),
    { numRuns: runs(numRuns), seed: SEED + salt, endOnFailure: true },
  );
}

export const MIB = 1024 * 1024;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---------------------------------------------------------------------------------------------------------------
// Raw HTTP: paths and bodies exactly as generated (fetch would normalize `..`, `%2e` and reject odd bytes).
// ---------------------------------------------------------------------------------------------------------------

export interface Req {
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Server-Sent Events: resolve on the response head, then hang up. */
  headOnly?: boolean;
  /** A connection of its own (for requests the server may answer by closing it). */
  fresh?: boolean;
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

export function send(base: string, req: Req, timeoutMs = 15_000): Promise<Reply> {
  const url = new URL(base);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    const request = http.request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: req.headOnly || req.fresh ? false : agent },
      (response) => {
        if (req.headOnly) {
          const reply: Reply = {
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: '',
            json: undefined,
            ms: Date.now() - started,
          };
          // An event stream never ends: read a moment of it only when it is an error, then hang up.
          if ((response.statusCode ?? 0) >= 300) {
            const chunks: Buffer[] = [];
            response.on('data', (c: Buffer) => chunks.push(c));
            response.on('end', () => resolve(finish(reply, Buffer.concat(chunks).toString('utf8'))));
            return;
          }
          response.destroy();
          request.destroy();
          resolve(reply);
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve(
            finish(
              { status: response.statusCode ?? 0, headers: response.headers, text: '', json: undefined, ms: Date.now() - started },
              Buffer.concat(chunks).toString('utf8'),
            ),
          ),
        );
        response.on('error', reject);
      },
    );
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}

function finish(reply: Reply, text: string): Reply {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { ...reply, text, json };
}

// ---------------------------------------------------------------------------------------------------------------
// JSON with raw parts: deeply nested values are generated as text (the test process must not build them).
// ---------------------------------------------------------------------------------------------------------------

export class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
  toString() {
    return `<${this.label}>`;
  }
}

export const deepArrays = (depth: number) => new RawJson('['.repeat(depth) + ']'.repeat(depth), `[[…]] depth ${depth}`);
export const deepObjects = (depth: number) => new RawJson('{"a":'.repeat(depth) + '1' + '}'.repeat(depth), `{"a":{…}} depth ${depth}`);

/** JSON.stringify with RawJson parts inlined and own `__proto__` keys kept. */
export function toJson(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const parts = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${toJson((value as Record<string, unknown>)[k])}`);
    return `{${parts.join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** A short, readable rendering for reports. */
export function show(value: unknown, max = 400): string {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? `<${value.length} bytes>` : toJson(value);
  const escaped = JSON.stringify(text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text);
  return typeof value === 'string' ? escaped : escaped.slice(1, -1).replace(/\\"/g, '"');
}

/** Percent-encodes the UTF-8 bytes of a string (lone surrogates become U+FFFD, as any UTF-8 sender would send them). */
export function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

/** An object with exactly these own keys, `__proto__` and `constructor` included. */
export const own = (entries: Array<[string, unknown]>): Record<string, unknown> => Object.fromEntries(entries);

// ---------------------------------------------------------------------------------------------------------------
// Findings: every distinct violation of a run, with a reproducible example, reported together at the end.
// ---------------------------------------------------------------------------------------------------------------

export class Findings {
  private readonly found = new Map<string, { count: number; examples: string[] }>();
  requests = 0;
  /** Answers by status, to show the generated requests are not all refused. */
  readonly statuses = new Map<number, number>();

  count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  summary(): string {
    return `${this.requests} generated requests; answers: ${[...this.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')}`;
  }

  add(signature: string, example: string): void {
    const entry = this.found.get(signature) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 2) entry.examples.push(example);
    this.found.set(signature, entry);
  }

  get size() {
    return this.found.size;
  }

  report(): string {
    return [...this.found.entries()]
      .map(([signature, { count, examples }]) => `• ${signature}  (×${count})\n${examples.map((e) => `    ${e}`).join('\n')}`)
      .join('\n');
  }

  /** Fails the test with every distinct violation. */
  assertNone(what: string): void {
    if (process.env.FUZZ_STATS) process.stdout.write(`[fuzz] ${what}: ${this.summary()}; ${this.found.size} distinct violation(s)\n`);
    if (this.found.size > 0) throw new Error(`${what}: ${this.found.size} distinct violation(s) — ${this.summary()}\n${this.report()}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Target: the app under test, the log ledger, restarts when a request has wedged the views.
// ---------------------------------------------------------------------------------------------------------------

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

export class Target {
  app!: TestApp;
  /** Position of the last event seen; new events are read after it. */
  head = '0';
  organizations = new Set<string>();
  restarts = 0;
  private counter = 0;

  constructor(public findings: Findings) {}

  static async start(findings: Findings): Promise<Target> {
    const target = new Target(findings);
    await target.boot();
    return target;
  }

  private async boot(): Promise<void> {
    // Reads that ask for a position the views have not reached answer 503 after this wait (the contract's 5 s, shortened).
    this.app = await startTestApp({ MIN_POSITION_WAIT_MS: '400' });
    const events = await this.allEvents();
    this.head = events.at(-1)?.position ?? '0';
    // The built-in organizations as the views know them once they include the head (slower on PostgreSQL).
    let list = await this.send({ method: 'GET', path: `/api/organizations?minPosition=${this.head}` });
    for (let attempt = 0; list.status !== 200 && attempt < 20; attempt++)
      list = await this.send({ method: 'GET', path: `/api/organizations?minPosition=${this.head}` });
    this.organizations = new Set((list.json as Array<{ code: string }>).map((o) => o.code));
  }

  /** A fresh store: used after a request left the views failing, so later cases are judged on their own. */
  async restart(): Promise<void> {
    this.restarts++;
    await this.app.close();
    await this.boot();
  }

  close(): Promise<void> {
    return this.app.close();
  }

  send(req: Req): Promise<Reply> {
    return send(this.app.url, req);
  }

  async allEvents(): Promise<RawEvent[]> {
    const events: RawEvent[] = [];
    let after = '0';
    for (;;) {
      const page = await send(this.app.url, { method: 'GET', path: `/api/events?limit=1000&after=${after}` });
      if (page.status !== 200) throw new Error(`GET /api/events answered ${page.status}: ${page.text}`);
      events.push(...(page.json as RawEvent[]));
      if (page.json.length < 1000) return events;
      after = page.json[page.json.length - 1].position;
    }
  }

  async eventCount(): Promise<number> {
    return (await this.allEvents()).length;
  }

  /** Events appended since the last call. */
  async newEvents(): Promise<RawEvent[]> {
    const events: RawEvent[] = [];
    for (;;) {
      const page = await send(this.app.url, { method: 'GET', path: `/api/events?limit=1000&after=${this.head}` });
      if (page.status !== 200) throw new Error(`GET /api/events answered ${page.status}: ${page.text}`);
      events.push(...(page.json as RawEvent[]));
      if (page.json.length > 0) this.head = page.json[page.json.length - 1].position;
      if (page.json.length < 1000) return events;
    }
  }

  /** Registers a fresh organization (one event) and returns its code. */
  async freshOrganization(): Promise<string> {
    const code = `FZ${(++this.counter).toString(36).toUpperCase()}${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
    const reply = await this.send(json('POST', '/api/organizations', { code, name: `Fuzz organization ${code}` }));
    if (reply.status !== 201) throw new Error(`registering ${code} answered ${reply.status}: ${reply.text}`);
    await this.newEvents();
    this.organizations.add(code);
    return code;
  }

  /** Records a body that must be accepted (setup), keeping the ledger in step. */
  async setup(path: string, body: unknown): Promise<Reply> {
    const reply = await this.send(json('POST', path, body));
    if (reply.status !== 201) throw new Error(`setup POST ${path} ${toJson(body)} answered ${reply.status}: ${reply.text}`);
    await this.newEvents();
    return reply;
  }

  /** True when every projection runs and the views have caught up with the log. */
  async viewsHealthy(): Promise<{ ok: boolean; detail: string }> {
    const readyReq: Req = { method: 'GET', path: '/health/ready' };
    const ready = await send(this.app.url, readyReq);
    // Readiness is an answer like any other: when it is down, it must still be a proper problem.
    if (ready.status !== 200) checkAnswer(this.findings, 'GET /health/ready (views failing)', readyReq, ready);
    const projections = await send(this.app.url, { method: 'GET', path: '/api/projections' });
    const failed = Array.isArray(projections.json)
      ? (projections.json as Array<{ name: string; status: string; lag: number }>).filter((p) => p.status === 'failed')
      : [];
    return {
      ok: ready.status === 200 && failed.length === 0,
      detail: `/health/ready ${ready.status}; failed projections: ${failed.map((p) => `${p.name} (lag ${p.lag})`).join(', ') || 'none'}`,
    };
  }
}

export const json = (method: string, path: string, body: unknown): Req => ({
  method,
  path,
  body: toJson(body),
  headers: { 'content-type': 'application/json' },
});

/** A POST of JSON text as given (possibly malformed), for the fuzz suites. */
export const jsonReq = (path: string, text: string): Req => ({
  method: 'POST',
  path,
  body: text,
  headers: { 'content-type': 'application/json' },
});

export const ndjson = (text: string): Req => ({
  method: 'POST',
  path: '/api/import',
  body: text,
  headers: { 'content-type': 'application/x-ndjson' },
});

// ---------------------------------------------------------------------------------------------------------------
// Generic answer checks: no 5xx, RFC 9457 problems, no stack traces or paths.
// ---------------------------------------------------------------------------------------------------------------

const LEAKS: Array<[RegExp, string]> = [
  [/\/work\//, 'a /work/ path'],
  [/node_modules/, 'node_modules'],
  [/\n\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)/, 'a stack frame'],
  [/"stack"\s*:/, 'a "stack" member'],
  [/\.(ts|js):\d+/, 'a source file position'],
  [/\/(apps|libs|dist)\/\w/, 'a source directory'],
];

export function requestLabel(req: Req): string {
  const body = req.body === undefined ? '' : ` ${show(Buffer.isBuffer(req.body) ? req.body : req.body, 300)}`;
  const type =
    req.headers?.['content-type'] && req.headers['content-type'] !== 'application/json' ? ` [${req.headers['content-type']}]` : '';
  return `${req.method} ${show(req.path, 250).slice(1, -1)}${type}${body}`;
}

export const replyLabel = (reply: Reply) => `${reply.status} ${show(reply.text, 300)}`;

/** A body with JSON nested at least 100 levels deep. */
export const isDeep = (req: Req) => typeof req.body === 'string' && /\[{100}|(\{"a":){100}/.test(req.body);

/** Violations any answer can show, whatever the request. Returns false when the answer is a 5xx. */
export function checkAnswer(
  findings: Findings,
  where: string,
  req: Req,
  reply: Reply,
  options: { allowViewsBehind?: boolean; trigger?: string } = {},
): boolean {
  const example = `${requestLabel(req)}\n      → ${replyLabel(reply)}`;
  const type = String(reply.headers['content-type'] ?? '');
  const code = reply.json?.code;
  if (reply.status >= 500) {
    const behind = reply.status === 503 && code === 'VIEWS_BEHIND' && reply.headers['retry-after'] !== undefined;
    const trigger = isDeep(req) ? '(the body nests JSON hundreds of levels deep)' : (options.trigger ?? '');
    if (!(behind && options.allowViewsBehind)) findings.add(`${where}: ${reply.status} ${code ?? type} ${trigger}`.trim(), example);
  }
  if (reply.status >= 400) {
    if (!/^application\/problem\+json/.test(type))
      findings.add(
        `${reply.status} ${reply.json?.code ?? ''} answered as "${type || 'no content-type'}", not application/problem+json (any route)`.replace(
          '  ',
          ' ',
        ),
        `${where}: ${example}`,
      );
    else {
      const p = reply.json ?? {};
      const missing = ['type', 'title', 'detail', 'code'].filter((k) => typeof p[k] !== 'string');
      if (p.status !== reply.status) missing.push(`status (=${String(p.status)})`);
      if (typeof p.code === 'string' && !/^[A-Z][A-Z0-9_]*$/.test(p.code)) missing.push('UPPER_SNAKE code');
      if (missing.length > 0) findings.add(`${where}: problem without ${missing.join(', ')}`, example);
      if (p.code === 'VALIDATION_FAILED' && reply.status === 400) {
        const errors = p.errors;
        if (
          !Array.isArray(errors) ||
          errors.length === 0 ||
          errors.some((e: any) => typeof e?.field !== 'string' || typeof e?.message !== 'string')
        )
          findings.add(`${where}: VALIDATION_FAILED without errors [{ field, message }]`, example);
      }
      if (reply.status === 503 && p.code === 'INTERNAL_ERROR') findings.add(`${where}: 503 problem carries code INTERNAL_ERROR`, example);
    }
  }
  for (const [pattern, what] of LEAKS) {
    const sent = `${req.path} ${req.body === undefined ? '' : req.body.toString()}`;
    if (pattern.test(reply.text) && !pattern.test(sent)) findings.add(`${where}: answer leaks ${what}`, example);
  }
  if (reply.ms > 5000) findings.add(`${where}: answered after ${reply.ms} ms`, example);
  return reply.status < 500;
}

// ---------------------------------------------------------------------------------------------------------------
// The contract as an oracle. A verdict says what a careful implementation of http-api.md may answer:
//   valid        → accepted (201; 200 for an idempotent retry; 409 for an invariant or idempotency conflict)
//   unknown-org  → 422 UNKNOWN_ORGANIZATION (or 400)
//   invalid      → 400 VALIDATION_FAILED (413 over 1 MiB)
//   unsure       → the contract does not decide (e.g. `null` for an optional field): accepted or refused
// ---------------------------------------------------------------------------------------------------------------

export type Verdict = 'valid' | 'unsure' | 'unknown-org' | 'invalid';
const RANK: Record<Verdict, number> = { valid: 0, unsure: 1, 'unknown-org': 2, invalid: 3 };
export const worst = (...verdicts: Verdict[]): Verdict => verdicts.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'valid' as Verdict);

export interface Judged {
  verdict: Verdict;
  why: string[];
}
const ok: Judged = { verdict: 'valid', why: [] };
const bad = (why: string): Judged => ({ verdict: 'invalid', why: [`✗ ${why}`] });
const unsure = (why: string): Judged => ({ verdict: 'unsure', why: [`? ${why}`] });
const merge = (...all: Judged[]): Judged => ({ verdict: worst(...all.map((j) => j.verdict)), why: all.flatMap((j) => j.why) });

type Spec =
  | { t: 'string'; min: number; max: number; strict: boolean }
  | { t: 'pdate' }
  | { t: 'uuid' }
  | { t: 'country' }
  | { t: 'org' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'url' }
  | { t: 'array'; of: Spec; min: number; max: number; strictMax: boolean }
  | { t: 'object'; fields: Record<string, Field>; rule?: (o: Record<string, unknown>, path: string) => Judged };
interface Field {
  spec: Spec;
  required?: boolean;
}

const str = (min: number, max: number, strict = true): Spec => ({ t: 'string', min, max, strict });
const req = (spec: Spec): Field => ({ spec, required: true });
const opt = (spec: Spec): Field => ({ spec });
const PDATE: Spec = { t: 'pdate' };
const COUNTRY: Spec = { t: 'country' };
const ORG: Spec = { t: 'org' };

export const ALPHA2 = new Set(Object.keys(countries.getAlpha2Codes()));
export const ALPHA3 = new Map(Object.entries(countries.getAlpha3Codes()));
export const normalizeCountry = (v: string): string | undefined => {
  const up = v.toUpperCase();
  return /^[A-Z]{2}$/.test(up) && ALPHA2.has(up) ? up : /^[A-Z]{3}$/.test(up) ? ALPHA3.get(up) : undefined;
};

/** YYYY, YYYY-MM or YYYY-MM-DD, calendar-valid: the first and the last day as comparable numbers, or undefined. */
export function partialDateRange(v: string): { first: number; last: number; year: number } | undefined {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < 1) return undefined;
  const days = (y: number, mo: number) =>
    [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  const key = (y: number, mo: number, d: number) => y * 10000 + mo * 100 + d;
  if (m[2] === undefined) return { first: key(year, 1, 1), last: key(year, 12, 31), year };
  const month = Number(m[2]);
  if (month < 1 || month > 12) return undefined;
  if (m[3] === undefined) return { first: key(year, month, 1), last: key(year, month, days(year, month)), year };
  const day = Number(m[3]);
  if (day < 1 || day > days(year, month)) return undefined;
  return { first: key(year, month, day), last: key(year, month, day), year };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof RawJson);

/** Lengths as UTF-16 units, as code points and as code points without variation selectors: the spec does not say which. */
function lengths(v: string): number[] {
  const points = Array.from(v).length;
  return [v.length, points, points - (v.match(/[\uFE0E\uFE0F]/g)?.length ?? 0)];
}

function judge(spec: Spec, v: unknown, path: string, known: ReadonlySet<string>): Judged {
  if (v instanceof RawJson) return bad(`${path}: ${v.label}`);
  switch (spec.t) {
    case 'string': {
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      const fits = lengths(v).map((n) => n >= spec.min && n <= spec.max);
      // NUL, other C0 controls and lone surrogates are legal JSON; whether to refuse them is the implementer's call.
      // eslint-disable-next-line no-control-regex -- control characters are what this looks for
      const odd = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(v);
      if (fits.every(Boolean)) return odd ? unsure(`${path}: control character or lone surrogate`) : ok;
      if (fits.some(Boolean) || !spec.strict)
        return unsure(`${path}: length ${v.length} outside ${spec.min}..${spec.max} (not fixed by the contract)`);
      return bad(`${path}: length ${v.length} outside ${spec.min}..${spec.max}`);
    }
    case 'pdate':
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      if (/^0000(-\d\d){0,2}$/.test(v)) return unsure(`${path}: year 0000`);
      return partialDateRange(v) ? ok : bad(`${path}: not a calendar-valid YYYY[-MM[-DD]]`);
    case 'uuid':
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      return UUID.test(v) ? ok : bad(`${path}: not a UUID`);
    case 'country':
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      if (normalizeCountry(v)) return ok;
      return normalizeCountry(v.trim()) ? unsure(`${path}: country code with surrounding blanks`) : bad(`${path}: not an ISO 3166-1 code`);
    case 'org': {
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      if (known.has(v.toUpperCase())) return ok;
      if (known.has(v.trim().toUpperCase())) return unsure(`${path}: organization code with surrounding blanks`);
      return { verdict: 'unknown-org', why: [`! ${path}: unknown organization ${show(v, 40)}`] };
    }
    case 'enum':
      return typeof v === 'string' && spec.values.includes(v) ? ok : bad(`${path}: not one of ${spec.values.join('|')}`);
    case 'url': {
      if (typeof v !== 'string') return bad(`${path}: not a string`);
      if (/^https?:\/\/[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(\/[\w\-./~%]*)?(\?[\w\-.~%=&]*)?$/i.test(v) && v.length <= 2000) return ok;
      if (!/^https?:\/\//i.test(v) && (/^[a-z][a-z0-9+.-]*:/i.test(v) || !v.includes('://'))) return bad(`${path}: not an http(s) URL`);
      return unsure(`${path}: unusual URL`);
    }
    case 'array': {
      if (!Array.isArray(v)) return bad(`${path}: not an array`);
      const parts: Judged[] = [];
      if (v.length < spec.min) parts.push(bad(`${path}: fewer than ${spec.min} items`));
      if (v.length > spec.max)
        parts.push(
          spec.strictMax
            ? bad(`${path}: more than ${spec.max} items`)
            : unsure(`${path}: more than ${spec.max} items (not fixed by the contract)`),
        );
      v.forEach((item, i) => parts.push(judge(spec.of, item, `${path}.${i}`, known)));
      return merge(...parts);
    }
    case 'object': {
      if (!isPlainObject(v)) return bad(`${path || 'body'}: not a JSON object`);
      const parts: Judged[] = [];
      for (const key of Object.keys(v)) {
        const field = spec.fields[key];
        const at = path ? `${path}.${key}` : key;
        if (!Object.prototype.hasOwnProperty.call(spec.fields, key) || !field) {
          if (v[key] !== undefined) parts.push(bad(`${at}: unknown field`));
          continue;
        }
        if (v[key] === null) parts.push(field.required ? bad(`${at}: null`) : unsure(`${at}: null for an optional field`));
        else if (v[key] !== undefined) parts.push(judge(field.spec, v[key], at, known));
      }
      for (const [key, field] of Object.entries(spec.fields))
        if (field.required && (v[key] === undefined || !Object.prototype.hasOwnProperty.call(v, key)))
          parts.push(bad(`${path ? `${path}.` : ''}${key}: missing`));
      const result = merge(...parts);
      if (result.verdict !== 'invalid' && spec.rule) return merge(result, spec.rule(v, path));
      return result;
    }
  }
}

const SOURCE: Spec = {
  t: 'object',
  fields: { url: opt({ t: 'url' }), title: opt(str(1, 300, false)), publisher: opt(str(1, 200, false)), publishedOn: opt(PDATE) },
  rule: (o, path) => (typeof o.url === 'string' || typeof o.publisher === 'string' ? ok : bad(`${path}: a source needs url or publisher`)),
};
const PLACE: Spec = { t: 'object', fields: { city: opt(str(1, 200, false)), country: opt(COUNTRY) } };

const COMMON: Record<string, Field> = {
  id: opt({ t: 'uuid' }),
  occurredOn: req(PDATE),
  endsOn: opt(PDATE),
  title: req(str(1, 200)),
  summary: opt(str(0, 5000)),
  sources: opt({ t: 'array', of: SOURCE, min: 0, max: 20, strictMax: true }),
  // "strings ≤ 50": whether an empty tag is one is not said.
  tags: opt({ t: 'array', of: str(1, 50, false), min: 0, max: 20, strictMax: true }),
};

export const KINDS = ['meeting', 'summit', 'membership-approval', 'membership-ending', 'presidency-handover', 'peace-summit'] as const;
export type Kind = (typeof KINDS)[number];
export const ORGANIZATION_KINDS: readonly Kind[] = ['summit', 'membership-approval', 'membership-ending', 'presidency-handover'];
export const PATHS: Record<Kind, string> = {
  meeting: '/api/developments/meetings',
  summit: '/api/developments/summits',
  'membership-approval': '/api/developments/membership-approvals',
  'membership-ending': '/api/developments/membership-endings',
  'presidency-handover': '/api/developments/presidency-handovers',
  'peace-summit': '/api/developments/peace-summits',
};

const KIND_FIELDS: Record<Kind, Record<string, Field>> = {
  meeting: {
    participants: req({
      t: 'array',
      of: { t: 'object', fields: { name: req(str(1, 200, false)), country: req(COUNTRY), role: opt(str(1, 200, false)) } },
      min: 2,
      max: 100,
      strictMax: false,
    }),
    location: opt(PLACE),
    organization: opt(ORG),
  },
  summit: { organization: req(ORG), host: req(COUNTRY), location: opt(PLACE) },
  'membership-approval': {
    organization: req(ORG),
    country: req(COUNTRY),
    status: opt({ t: 'enum', values: ['member', 'observer', 'dialogue-partner', 'partner'] }),
    effectiveOn: opt(PDATE),
  },
  'membership-ending': {
    organization: req(ORG),
    country: req(COUNTRY),
    reason: req({ t: 'enum', values: ['withdrawal', 'suspension', 'expulsion'] }),
  },
  'presidency-handover': { organization: req(ORG), from: opt(COUNTRY), to: req(COUNTRY), termEndsOn: opt(PDATE) },
  'peace-summit': {
    host: req(COUNTRY),
    location: opt(PLACE),
    conflict: opt(str(1, 200, false)),
    attendees: req({ t: 'array', of: COUNTRY, min: 1, max: 250, strictMax: false }),
    absentees: opt({
      t: 'array',
      of: { t: 'object', fields: { country: req(COUNTRY), reason: req({ t: 'enum', values: ['declined', 'not-invited'] }) } },
      min: 0,
      max: 250,
      strictMax: false,
    }),
  },
};

/** Rules across fields, judged on the whole (recorded or corrected) content. */
function crossField(o: Record<string, unknown>): Judged {
  const parts: Judged[] = [];
  const range = (v: unknown) => (typeof v === 'string' ? partialDateRange(v) : undefined);
  const occurred = range(o.occurredOn);
  const ends = range(o.endsOn);
  if (occurred && ends && ends.last < occurred.first) parts.push(bad('endsOn: precedes occurredOn'));
  const term = range(o.termEndsOn);
  if (occurred && term && term.last < occurred.first) parts.push(unsure('termEndsOn: precedes occurredOn'));
  if (
    typeof o.from === 'string' &&
    typeof o.to === 'string' &&
    normalizeCountry(o.from) &&
    normalizeCountry(o.from) === normalizeCountry(o.to)
  )
    parts.push(unsure('from = to'));
  return merge(ok, ...parts);
}

export function kindSpec(kind: Kind): Spec {
  return { t: 'object', fields: { ...COMMON, ...KIND_FIELDS[kind] }, rule: (o) => crossField(o) };
}

export function judgeBody(kind: Kind, body: unknown, known: ReadonlySet<string>): Judged {
  return judge(kindSpec(kind), body, '', known);
}

/** `{ changes, reason, sources? }` of a correction to a development of `kind` whose current content is `base`. */
export function judgeCorrection(kind: Kind, body: unknown, base: Record<string, unknown>, known: ReadonlySet<string>): Judged {
  const fields: Record<string, Field> = {};
  for (const [key, field] of Object.entries({ ...COMMON, ...KIND_FIELDS[kind] })) {
    if (key === 'id' || (key === 'organization' && kind !== 'meeting')) continue;
    fields[key] = { spec: field.spec };
  }
  const changesSpec: Spec = {
    t: 'object',
    fields,
    rule: (changes) => {
      if (Object.keys(changes).length === 0) return bad('changes: empty');
      return crossField({ ...base, ...changes });
    },
  };
  const spec: Spec = {
    t: 'object',
    fields: {
      changes: req(changesSpec),
      reason: req(str(1, 2000, false)),
      sources: opt({ t: 'array', of: SOURCE, min: 0, max: 20, strictMax: true }),
    },
  };
  const judged = judge(spec, body, '', known);
  // The organization a development belongs to cannot be corrected: a 400, says the contract.
  if (isPlainObject(body) && isPlainObject(body.changes) && kind !== 'meeting' && 'organization' in body.changes)
    return merge(judged, bad('changes.organization: cannot be corrected'));
  if (isPlainObject(body) && isPlainObject(body.changes) && 'id' in body.changes)
    return merge(judged, bad('changes.id: not a content field'));
  return judged;
}

export function judgeRetraction(body: unknown): Judged {
  return judge({ t: 'object', fields: { reason: req(str(1, 2000, false)) } }, body, '', new Set());
}

export function judgeOrganization(body: unknown): Judged {
  const spec: Spec = {
    t: 'object',
    fields: { code: req(str(1, 100, false)), name: req(str(1, 200, false)), wikidataId: opt(str(1, 100, false)) },
    rule: (o) =>
      merge(
        typeof o.code === 'string' && !/^[A-Za-z][A-Za-z0-9-]{1,15}$/.test(o.code) ? unsure(`code: unusual code ${show(o.code, 30)}`) : ok,
        typeof o.wikidataId === 'string' && !/^Q[1-9]\d{0,11}$/.test(o.wikidataId) ? unsure('wikidataId: not Q…') : ok,
      ),
  };
  return judge(spec, body, '', new Set());
}

/** The field of the first reason behind a verdict, for grouping findings; Object.prototype names are grouped. */
export function reasonField(judged: Judged): string {
  const mark = judged.verdict === 'invalid' ? '✗' : judged.verdict === 'unknown-org' ? '!' : '?';
  const reason = judged.why.find((w) => w.startsWith(mark)) ?? judged.why[0] ?? '';
  const field = reason.slice(2).split(':')[0] ?? '';
  const parts = field.split('.');
  const last = parts[parts.length - 1] ?? '';
  if (PROTO_KEYS.includes(last) || last === '__proto__') parts[parts.length - 1] = '<Object.prototype member name>';
  return `${parts.join('.')}${reason.includes('unknown field') ? ' (unknown field)' : ''}`.replace(/\.\d+(?=\.|$| )/g, '.N');
}

/** What each verdict allows a write endpoint to answer. */
export function allowedWriteStatuses(verdict: Verdict, bytes: number): number[] {
  if (bytes > MIB) return [413];
  switch (verdict) {
    case 'valid':
      return [200, 201, 409];
    case 'unknown-org':
      return [400, 422];
    case 'invalid':
      return [400];
    case 'unsure':
      return [200, 201, 400, 409, 422];
  }
}

export const CONFLICT_CODES = new Set([
  'IDEMPOTENCY_CONFLICT',
  'MEMBERSHIP_ALREADY_ACTIVE',
  'MEMBERSHIP_NOT_ACTIVE',
  'PRESIDENCY_HOLDER_MISMATCH',
  'PRESIDENCY_CHAIN_BROKEN',
  'PRESIDENCY_HOLDER_NOT_MEMBER',
  'NOTHING_TO_CORRECT',
  'DEVELOPMENT_RETRACTED',
  'ORGANIZATION_EXISTS',
]);

/**
 * Sends a write and checks it against the contract: the verdict's statuses, the problem format, and the log —
 * a refused write appends nothing; an accepted one appends exactly one event, at the answered position, which the
 * views then serve (GET /api/developments/{id}?minPosition=…). Returns the reply and the events it appended.
 */
export async function checkWrite(
  target: Target,
  where: string,
  req: Req,
  judged: Judged,
  options: { developmentRead?: boolean; note?: string; allowed?: number[] } = {},
): Promise<{ reply: Reply; events: RawEvent[] }> {
  const findings = target.findings;
  findings.requests++;
  let reply: Reply;
  try {
    reply = await target.send(req);
  } catch (error) {
    findings.add(`${where}: no answer (${String(error)})`, requestLabel(req));
    await target.restart();
    return { reply: { status: 0, headers: {}, text: '', json: undefined, ms: 0 }, events: [] };
  }
  findings.count(reply.status);
  const events = await target.newEvents();
  const example = `${requestLabel(req)}\n      → ${replyLabel(reply)}${judged.why.length ? `\n      contract: ${judged.verdict} (${judged.why.slice(0, 3).join('; ')})` : ''}${options.note ? `\n      ${options.note}` : ''}`;
  checkAnswer(findings, where, req, reply, { trigger: judged.verdict === 'valid' ? '(a valid body)' : `[${reasonField(judged)}]` });
  const bytes = req.body === undefined ? 0 : Buffer.byteLength(req.body);
  const allowed = options.allowed ?? allowedWriteStatuses(judged.verdict, bytes);
  if (reply.status > 0 && reply.status < 500 && !allowed.includes(reply.status)) {
    const what =
      judged.verdict === 'invalid' && reply.status < 300
        ? 'accepted a body the contract refuses'
        : judged.verdict === 'valid' && reply.status === 400
          ? 'refused a body the contract accepts'
          : `answered ${reply.status} where the contract allows ${allowed.join('/')}`;
    const serverFields = Array.isArray(reply.json?.errors) ? reply.json.errors.map((e: { field?: string }) => e.field) : [];
    const field = (judged.verdict === 'valid' ? serverFields.join(',') : reasonField(judged)).replace(/\.\d+/g, '.N');
    findings.add(`${where}: ${what}${field ? ` [${field}]` : ''} → ${reply.status} ${reply.json?.code ?? ''}`.trim(), example);
  }
  if (/^application\/problem\+json/.test(String(reply.headers['content-type'] ?? ''))) {
    if (reply.status === 409 && !CONFLICT_CODES.has(reply.json?.code)) findings.add(`${where}: 409 with code ${reply.json?.code}`, example);
    if (reply.status === 422 && reply.json?.code !== 'UNKNOWN_ORGANIZATION')
      findings.add(`${where}: 422 with code ${reply.json?.code}`, example);
    if (reply.status === 400 && reply.json?.code !== 'VALIDATION_FAILED')
      findings.add(`${where}: 400 with code ${reply.json?.code}`, example);
  }
  // The log: nothing for a refusal or a retry, exactly one event for an acceptance.
  if (reply.status >= 400 && events.length > 0)
    findings.add(
      `${where}: answered ${reply.status} but appended ${events.length} event(s) (partial write)`,
      `${example}\n      appended: ${events.map((e) => e.type).join(', ')}`,
    );
  if (reply.status === 200 && events.length > 0 && !req.path.startsWith('/api/import'))
    findings.add(`${where}: idempotent 200 appended ${events.length} event(s)`, example);
  if (reply.status === 201) {
    const body = reply.json ?? {};
    if (typeof body.position !== 'string' || typeof body.eventId !== 'string' || !UUID.test(body.developmentId ?? ''))
      findings.add(`${where}: 201 without developmentId/eventId/position`, example);
    if (events.length !== 1) findings.add(`${where}: 201 appended ${events.length} events`, example);
    else if (events[0]!.position !== body.position || events[0]!.eventId !== body.eventId)
      findings.add(
        `${where}: 201 answer does not match the appended event`,
        `${example}\n      event: ${events[0]!.position} ${events[0]!.eventId}`,
      );
    if (options.developmentRead !== false && UUID.test(body.developmentId ?? '') && typeof body.position === 'string') {
      const readBack = () => target.send({ method: 'GET', path: `/api/developments/${body.developmentId}?minPosition=${body.position}` });
      let read = await readBack();
      // A slow machine may need longer than the shortened wait: once more, when nothing failed.
      if (read.status === 503 && (await target.viewsHealthy()).ok) read = await readBack();
      if (read.status !== 200) {
        const health = await target.viewsHealthy();
        findings.add(
          `${where}: accepted write then GET /api/developments/{id}?minPosition answered ${read.status} ${read.json?.code ?? ''} (${health.detail})`,
          `${example}\n      then GET → ${replyLabel(read)}`,
        );
        if (!health.ok) await target.restart();
      } else checkAnswer(findings, `${where} (read back)`, { method: 'GET', path: `/api/developments/${body.developmentId}` }, read);
    }
  }
  if (reply.status >= 500) {
    const health = await target.viewsHealthy();
    if (!health.ok) {
      findings.add(`${where}: views unhealthy after a ${reply.status} (${health.detail})`, example);
      await target.restart();
    }
  }
  return { reply, events };
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

/** Countries as [alpha-2, alpha-3]: spelled either way in any case on input. */
// prettier-ignore
export const COUNTRY_PAIRS: ReadonlyArray<[string, string]> = [
  ['CN', 'CHN'], ['RU', 'RUS'], ['IN', 'IND'], ['PK', 'PAK'], ['KZ', 'KAZ'], ['KG', 'KGZ'], ['TJ', 'TJK'], ['UZ', 'UZB'],
  ['IR', 'IRN'], ['BY', 'BLR'], ['MN', 'MNG'], ['TR', 'TUR'], ['EG', 'EGY'], ['SA', 'SAU'], ['AE', 'ARE'], ['BR', 'BRA'],
  ['ZA', 'ZAF'], ['US', 'USA'], ['DE', 'DEU'], ['FR', 'FRA'], ['UA', 'UKR'], ['CH', 'CHE'], ['IL', 'ISR'], ['JP', 'JPN'],
  ['GB', 'GBR'], ['AX', 'ALA'], ['CW', 'CUW'], ['SS', 'SSD'], ['PS', 'PSE'], ['TW', 'TWN'],
];

export const countryArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...COUNTRY_PAIRS), fc.boolean(), fc.constantFrom('upper', 'lower', 'mixed'))
  .map(([[a2, a3], three, kase]) => {
    const code = three ? a3 : a2;
    return kase === 'upper' ? code : kase === 'lower' ? code.toLowerCase() : code[0]! + code.slice(1).toLowerCase();
  });

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const YEARS = fc.oneof(
  fc.constantFrom(1, 2, 50, 99, 100, 999, 1000, 1582, 1900, 1970, 2000, 2024, 2100, 9998, 9999),
  fc.integer({ min: 1, max: 9999 }),
);

/** A calendar-valid partial date, biased to the edges (year 1, 9999, 29 February, month ends). */
export const partialDateArb: fc.Arbitrary<string> = fc
  .tuple(YEARS, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), fc.constantFrom('year', 'month', 'day', 'day'))
  .map(([year, month, day, precision]) => {
    if (precision === 'year') return pad(year, 4);
    if (precision === 'month') return `${pad(year, 4)}-${pad(month)}`;
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(day, last))}`;
  });

/** A partial date that does not precede `start` (same or later period). */
export function laterDateArb(start: string): fc.Arbitrary<string> {
  return partialDateArb.map((candidate) => {
    const a = partialDateRange(start)!;
    const b = partialDateRange(candidate)!;
    return b.last >= a.first ? candidate : start;
  });
}

const RTL = ['שלום עולם', 'مرحبا بالعالم', '\u202eevil\u202c', 'א\u200fb'];
const EMOJI = ['👍🏽', '👨‍👩‍👧‍👦', '🇺🇳', '❤️', 'é', 'ñ', '𝕏', '漢字', 'Ελληνικά', 'Ü'];

/** Text the contract accepts: ASCII up to a length, or mixed scripts, emoji and RTL (short enough for any counting). */
export function textArb(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: Math.min(max, 60) }) },
      { weight: 1, arbitrary: fc.constantFrom(...[min, max].filter((n) => n > 0)).map((n) => 'x'.repeat(n)) },
      {
        weight: 2,
        arbitrary: fc
          .array(fc.oneof(fc.constantFrom(...RTL, ...EMOJI), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 })), {
            minLength: 1,
            maxLength: 6,
          })
          .map((parts) => parts.join(' '))
          .filter((s) => s.length <= max && Array.from(s).length >= Math.max(min, 1) && !/\p{Cc}|\uFE0E|\uFE0F/u.test(s)),
      },
    )
    .filter((s) => s.length >= min && s.length <= max);
}

const sourceArb = fc.oneof(
  fc.record(
    { url: fc.constantFrom('https://www.reuters.com/world/a', 'http://tass.com/world/1811995', 'https://example.org/x?y=1') },
    { requiredKeys: ['url'] },
  ),
  fc.record(
    { publisher: textArb(1, 100), title: textArb(1, 100), publishedOn: partialDateArb, url: fc.constant('https://news.example.com/p/1') },
    { requiredKeys: ['publisher'] },
  ),
);

const placeArb = fc.record({ city: textArb(1, 60), country: countryArb }, { requiredKeys: [] });

/** The common fields of a valid body. */
const commonArb = partialDateArb.chain((occurredOn) =>
  fc.record(
    {
      occurredOn: fc.constant(occurredOn),
      endsOn: laterDateArb(occurredOn),
      title: textArb(1, 200),
      summary: textArb(0, 5000),
      sources: fc.array(sourceArb, { maxLength: 3 }),
      tags: fc.array(textArb(1, 50), { maxLength: 4 }),
    },
    { requiredKeys: ['occurredOn', 'title'] },
  ),
);

const distinctCountries = (n: number) => fc.uniqueArray(countryArb, { minLength: n, maxLength: n, selector: (c) => normalizeCountry(c) });

/** Placeholder for "the organization of this case" (a fresh one for organization kinds, to keep invariants clear). */
export const ORG_TOKEN = '$ORG';

/** A body of `kind` that the contract accepts. Organization kinds name ORG_TOKEN; endings need an approval first. */
export function validBodyArb(kind: Kind): fc.Arbitrary<Record<string, unknown>> {
  const extra: Record<Kind, fc.Arbitrary<Record<string, unknown>>> = {
    meeting: fc.record(
      {
        // A meeting's participants are distinct people: names told apart as the service tells them apart.
        participants: fc.uniqueArray(
          fc.record({ name: textArb(1, 80), country: countryArb, role: textArb(1, 40) }, { requiredKeys: ['name', 'country'] }),
          { minLength: 2, maxLength: 5, selector: (participant) => participant.name.trim().toLowerCase() },
        ),
        location: placeArb,
        organization: fc.constantFrom('SCO', 'sco', 'Brics', 'UN'),
      },
      { requiredKeys: ['participants'] },
    ),
    summit: fc.record(
      { organization: fc.constant(ORG_TOKEN), host: countryArb, location: placeArb },
      { requiredKeys: ['organization', 'host'] },
    ),
    'membership-approval': fc.record(
      {
        organization: fc.constant(ORG_TOKEN),
        country: countryArb,
        status: fc.constantFrom('member', 'observer', 'dialogue-partner', 'partner'),
        effectiveOn: partialDateArb,
      },
      { requiredKeys: ['organization', 'country'] },
    ),
    'membership-ending': fc.record({
      organization: fc.constant(ORG_TOKEN),
      country: countryArb,
      reason: fc.constantFrom('withdrawal', 'suspension', 'expulsion'),
    }),
    'presidency-handover': distinctCountries(2).chain(([from, to]) =>
      fc.record(
        { organization: fc.constant(ORG_TOKEN), from: fc.constant(from), to: fc.constant(to), termEndsOn: fc.constant('9999') },
        {
          requiredKeys: ['organization', 'to'],
        },
      ),
    ),
    'peace-summit': fc.record(
      {
        host: countryArb,
        location: placeArb,
        conflict: textArb(1, 100),
        attendees: fc.array(countryArb, { minLength: 1, maxLength: 6 }),
        absentees: fc.array(fc.record({ country: countryArb, reason: fc.constantFrom('declined', 'not-invited') }), { maxLength: 3 }),
      },
      { requiredKeys: ['host', 'attendees'] },
    ),
  };
  return fc.tuple(commonArb, extra[kind]).map(([common, specific]) => {
    const body: Record<string, unknown> = { ...common, ...specific };
    // A term ends with the year it starts in, at the earliest.
    if (body.termEndsOn !== undefined && typeof body.occurredOn === 'string') body.termEndsOn = laterSame(body.occurredOn);
    return body;
  });
}

/** termEndsOn: the end of the occurredOn year (never before it). */
const laterSame = (occurredOn: string) => occurredOn.slice(0, 4);

/** Strings that have broken parsers, validators, SQL and templates elsewhere. */
// prettier-ignore
export const HOSTILE_STRINGS: readonly string[] = [
  '', ' ', '\t', '\n', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ufeff', '\u202e', '\u200b', 'null', 'undefined', 'NaN', 'true', '0', '-1',
  "' OR 1=1 --", '"; DROP TABLE events; --', '%', '_', '\\', '%_%', '\\%', "'", '"', '`', '${7*7}', '{{7*7}}', '<script>alert(1)</script>',
  '../../etc/passwd', '..\\..\\windows', '%00', '%2e%2e%2f', 'file:///etc/passwd', 'javascript:alert(1)', '__proto__', 'constructor', 'prototype',
  'toString', 'hasOwnProperty', '%s%n%x', '\r\nSet-Cookie: a=b', 'SCO', 'sco', ' SCO ', 'XX', 'ZZZ', 'C', 'CHINA', 'cn', ' CN', 'CHN', 'UK', 'EU',
  '2024-02-30', '2023-02-29', '2024-13', '2024-00', '2024-07-00', '0000', '10000', '2024-1-5', '2024-07-04T00:00:00Z', '-2024', '+002024',
  ' 2024', '2024 ', '２０２４', '2024-07-04\u0000', '9999-12-31', '0001-01-01', '0050-06-01', '0099-12-31', '2024-02-29', '1900-02-29', '2000-02-29',
  '00000000-0000-0000-0000-000000000000', '{00000000-0000-0000-0000-000000000000}', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'https://example.org/a', 'http://localhost', 'ftp://example.org/f', '//example.org', 'https://', 'https://exa mple.org',
  'member', 'withdrawal', 'declined', 'Member', 'MEMBER',
];

const LONG_LENGTHS = [49, 50, 51, 199, 200, 201, 299, 300, 301, 1999, 2000, 2001, 4999, 5000, 5001, 100_000];

export const hostileStringArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...LONG_LENGTHS), fc.constantFrom('x', 'é', '👍', 'ab\u0000'))
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length)).slice(0, n)),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uuid() },
);

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

/** A small random JSON value with prototype keys, for wrong-type replacements. */
const smallJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER),
    hostileStringArb,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 6 })), tie('v')), { maxLength: 3 }).map(own),
  ),
})).v;

/** Values to put where a field was: anything but what it should be (or, sometimes, exactly what it should be). */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.constantFrom(true, false, 0, -1, 1.5, 2024, 1e308, Number.NaN) },
  { weight: 6, arbitrary: hostileStringArb },
  { weight: 2, arbitrary: fc.constantFrom([], [null], [[]], [{}], ['x'], [1, 2], {}, { a: 1 }, [[], []], [{}, {}]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(21, 101, 251, 5000), fc.constantFrom('CN', {}, 'x', null))
      .map(([n, v]) => Array.from({ length: n }, () => v)),
  },
  { weight: 1, arbitrary: fc.constantFrom(32, 100, 1000, 3000, 5000, 20_000).chain((d) => fc.constantFrom(deepArrays(d), deepObjects(d))) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS).map((k) => own([[k, { polluted: 'yes' }]])) },
  { weight: 2, arbitrary: smallJson },
);

/** Every path of a JSON value: `['participants', 0, 'country']`… */
export function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pathsOf(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object' && !(value instanceof RawJson))
    return [...here, ...Object.keys(value).flatMap((k) => pathsOf((value as Record<string, unknown>)[k], [...prefix, k]))];
  return here;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export type Mutation =
  | { op: 'replace'; path: Array<string | number>; value: unknown }
  | { op: 'delete'; path: Array<string | number> }
  | { op: 'add'; path: Array<string | number>; key: string; value: unknown }
  | { op: 'wrap'; path: Array<string | number> };

export function describeMutation(m: Mutation): string {
  const at = m.path.join('.') || '(body)';
  switch (m.op) {
    case 'replace':
      return `${at} := ${show(m.value, 80)}`;
    case 'delete':
      return `delete ${at}`;
    case 'add':
      return `${at ? `${at}.` : ''}${m.key} := ${show(m.value, 60)} (extra key)`;
    case 'wrap':
      return `${at} wrapped in an array`;
  }
}

export function applyMutation(body: Record<string, unknown>, m: Mutation): unknown {
  const copy = clone(body) as any;
  const parentOf = (path: Array<string | number>) => path.slice(0, -1).reduce((o: any, k) => o?.[k], copy);
  const last = m.path[m.path.length - 1]!;
  switch (m.op) {
    case 'replace':
      if (m.path.length === 0) return m.value;
      if (m.value === undefined) delete parentOf(m.path)[last];
      else Object.defineProperty(parentOf(m.path), last, { value: m.value, enumerable: true, writable: true, configurable: true });
      return copy;
    case 'delete': {
      const parent = parentOf(m.path);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      return copy;
    }
    case 'add': {
      const holder = m.path.reduce((o: any, k) => o?.[k], copy);
      if (holder && typeof holder === 'object' && !Array.isArray(holder))
        Object.defineProperty(holder, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      return copy;
    }
    case 'wrap': {
      if (m.path.length === 0) return [copy];
      const parent = parentOf(m.path);
      parent[last] = [parent[last]];
      return copy;
    }
  }
}

const UNKNOWN_KEYS = [
  'mood',
  'kind',
  'developmentId',
  'position',
  'Title',
  'title ',
  'ID',
  ...PROTO_KEYS,
  '',
  ' ',
  '\u0000',
  'a.b',
  '$where',
];

/** One corruption of a valid body: one field replaced, removed, wrapped, or one key added. */
export function mutationArb(body: Record<string, unknown>): fc.Arbitrary<Mutation> {
  const paths = pathsOf(body);
  const objects = [
    [],
    ...paths.filter((p) => {
      const v = p.reduce((o: any, k) => o?.[k], body);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    }),
  ];
  const topLevel = Object.keys(KIND_FIELDS_ALL).map((k) => [k]);
  return fc.oneof(
    { weight: 10, arbitrary: fc.record({ op: fc.constant('replace' as const), path: fc.constantFrom(...paths), value: hostileValueArb }) },
    // A field of any kind set on this one (a summit with `participants`…) or a missing required one set to junk.
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('replace' as const), path: fc.constantFrom(...topLevel), value: hostileValueArb }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), path: fc.constantFrom(...paths) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        path: fc.constantFrom(...objects),
        key: fc.constantFrom(...UNKNOWN_KEYS),
        value: hostileValueArb,
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('wrap' as const), path: fc.constantFrom([], ...paths) }) },
  );
}

const KIND_FIELDS_ALL: Record<string, true> = Object.fromEntries(
  [...Object.keys(COMMON), ...Object.values(KIND_FIELDS).flatMap((f) => Object.keys(f))].map((k) => [k, true]),
);

/** Replaces ORG_TOKEN anywhere in a value. */
export function substitute(value: unknown, token: string, replacement: string): unknown {
  if (value === token) return replacement;
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, token, replacement));
  if (value !== null && typeof value === 'object')
    return own(Object.keys(value).map((k) => [k, substitute((value as Record<string, unknown>)[k], token, replacement)]));
  return value;
}

/** Whole bodies that are not bodies: JSON of the wrong shape, text, bytes, other media types. */
export const hostileRawArb: fc.Arbitrary<{ body: string | Buffer; contentType: string | undefined; json: boolean; label: string }> =
  fc.oneof(
    fc
      .constantFrom(
        '',
        ' ',
        'null',
        'true',
        '0',
        '"x"',
        '[]',
        '[{}]',
        '{}',
        '{"a":',
        '{"a":1}}',
        '{a:1}',
        "{'a':1}",
        '{"a":1,}',
        '[1,2',
        'NaN',
        '{"__proto__":{"polluted":"yes"}}',
        '{"constructor":{"prototype":{"polluted":"yes"}}}',
        '{"title":"a","title":"b"}',
        '\ufeff{}',
        '{"a":"\\ud800"}',
        '{"a":"\\u0000"}',
        '1e999',
        '-',
        '{"a":01}',
      )
      .map((text) => ({ body: text, contentType: 'application/json', json: true, label: 'json text' })),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/xml',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/vnd.api+json',
          'application/x-ndjson',
          '*/*',
          'application/json, text/plain',
        ),
        fc.constantFrom('{}', '{"title":"x"}', 'a=1&b=2', '<x/>'),
      )
      .map(([contentType, text]) => ({ body: text, contentType, json: false, label: 'other media type' })),
    fc
      .constantFrom(
        Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
        Buffer.from('{"title":"\xff\xfe"}', 'latin1'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('{"a":"\u00e9"}', 'utf16le'),
      )
      .map((bytes) => ({ body: bytes, contentType: 'application/json', json: true, label: 'invalid UTF-8' })),
    fc.constant({ body: '{"title":"' + 'x'.repeat(MIB) + '"}', contentType: 'application/json', json: true, label: 'over 1 MiB' }),
    fc.constant({ body: '{"title":"x"}', contentType: undefined, json: false, label: 'no content-type' }),
  );

/** Nothing reached Object.prototype (the app runs in this process). */
export function checkNoPollution(findings: Findings): void {
  const keys = Object.getOwnPropertyNames(Object.prototype).filter((k) => !BASELINE_PROTOTYPE.includes(k));
  if (keys.length > 0 || ({} as Record<string, unknown>).polluted !== undefined)
    findings.add('prototype pollution: Object.prototype gained ' + keys.join(', '), '(after the batch)');
}
const BASELINE_PROTOTYPE = Object.getOwnPropertyNames(Object.prototype);

/**
 * Gets a body ready to send: ORG_TOKEN becomes a fresh organization (organization kinds), and for an ending the
 * country of the valid base body is approved first (on 0001-01-01), so the valid body meets the invariants.
 */
export async function prepare(
  target: Target,
  kind: Kind,
  base: Record<string, unknown>,
): Promise<{ base: Record<string, unknown>; organization: string }> {
  const organization = ORGANIZATION_KINDS.includes(kind) ? await target.freshOrganization() : 'SCO';
  const ready = substitute(base, ORG_TOKEN, organization) as Record<string, unknown>;
  if (kind === 'membership-ending')
    await target.setup(PATHS['membership-approval'], {
      organization,
      country: ready.country,
      occurredOn: '0001-01-01',
      title: 'Fuzz: approval before an ending',
    });
  return { base: ready, organization };
}

/** The service is still fine: ready, no failed projection, every timeline format readable. */
export async function checkServiceHealthy(target: Target, scopes: string[] = []): Promise<void> {
  const findings = target.findings;
  const health = await target.viewsHealthy();
  if (!health.ok) findings.add(`service unhealthy at the end of the batch (${health.detail})`, '(after the batch)');
  for (const scope of [
    '/api/organizations/SCO/timeline',
    '/api/countries/CN/timeline',
    '/api/countries/RU/relations/CN/timeline',
    '/api/developments',
    ...scopes,
  ])
    for (const format of ['json', 'csv', 'ics', 'timelinejs']) {
      const req: Req = { method: 'GET', path: `${scope}?format=${format}&limit=500&includeRetracted=true` };
      const reply = await target.send(req);
      checkAnswer(findings, 'GET timeline export after the batch', req, reply);
      if (reply.status !== 200)
        findings.add(
          `GET ${scope}?format=${format} answered ${reply.status} after the batch`,
          `${requestLabel(req)}\n      → ${replyLabel(reply)}`,
        );
    }
  checkNoPollution(findings);
}
