/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "target.findings.assertNone"] }] -- Findings.assertNone asserts */
/**
 * Hardening: generated hostile query strings and path parameters against every GET (timelines, search, developments,
 * organizations, members, presidencies, memberships, projections, events, live, health). Reads never write: the log
 * is the same length before and after. Each test collects every distinct violation and fails with all of them.
 */
import {
  checkAnswer,
  checkNoPollution,
  countryArb,
  fc,
  Findings,
  fuzz,
  hostileStringArb,
  KINDS,
  normalizeCountry,
  partialDateArb,
  partialDateRange,
  pct,
  replyLabel,
  requestLabel,
  show,
  Target,
  type Reply,
  type Req,
} from './support-fuzz';

jest.setTimeout(240_000);

let target: Target;
/** Developments recorded for the reads to find: ids, and a cursor really issued by a timeline. */
const seeded: { ids: string[]; retracted: string; cursor: string } = { ids: [], retracted: '', cursor: '' };

beforeAll(async () => {
  target = await Target.start(new Findings());
  const meeting = (occurredOn: string, title: string) => ({
    occurredOn,
    title,
    participants: [
      { name: 'Xi Jinping', country: 'CN' },
      { name: 'Vladimir Putin', country: 'RU' },
    ],
    location: { city: 'Astana', country: 'KZ' },
    organization: 'SCO',
  });
  for (let i = 0; i < 6; i++)
    seeded.ids.push(
      (await target.setup('/api/developments/meetings', meeting(`202${i}-0${i + 1}-15`, `Meeting ${i} '%_\\`))).json.developmentId,
    );
  // The edges of the calendar: a development in the year 500 and one on the last day of 9999.
  for (const day of ['0500', '9999-12-31'])
    seeded.ids.push((await target.setup('/api/developments/meetings', meeting(day, `Meeting on ${day}`))).json.developmentId);
  seeded.ids.push(
    (
      await target.setup('/api/developments/summits', {
        organization: 'SCO',
        occurredOn: '2024-07-03',
        endsOn: '2024-07-04',
        title: 'SCO summit',
        host: 'KZ',
      })
    ).json.developmentId,
  );
  seeded.ids.push(
    (
      await target.setup('/api/developments/membership-approvals', {
        organization: 'SCO',
        country: 'BY',
        occurredOn: '2024-07-04',
        title: 'SCO admits Belarus',
      })
    ).json.developmentId,
  );
  // The SCO has recorded members now, so the presidency below goes to one of them.
  seeded.ids.push(
    (
      await target.setup('/api/developments/membership-approvals', {
        organization: 'SCO',
        country: 'CN',
        occurredOn: '2001-06-15',
        title: 'China founds the SCO',
      })
    ).json.developmentId,
  );
  seeded.ids.push(
    (
      await target.setup('/api/developments/presidency-handovers', {
        organization: 'SCO',
        occurredOn: '2024-07-04',
        title: 'China chairs the SCO',
        from: 'KZ',
        to: 'CN',
        termEndsOn: '2025',
      })
    ).json.developmentId,
  );
  seeded.ids.push(
    (
      await target.setup('/api/developments/peace-summits', {
        occurredOn: '2024-06',
        title: 'Peace summit',
        host: 'CH',
        attendees: ['UA', 'US'],
        absentees: [{ country: 'RU', reason: 'not-invited' }],
      })
    ).json.developmentId,
  );
  await target.setup(`/api/developments/${seeded.ids[0]}/corrections`, { changes: { title: 'Meeting 0 (corrected)' }, reason: 'typo' });
  seeded.retracted = seeded.ids[1]!;
  await target.setup(`/api/developments/${seeded.retracted}/retraction`, { reason: 'recorded twice' });
  // Every read below compares answers with each other: the views must include all of the seed first.
  const page = await target.send({ method: 'GET', path: `/api/countries/CN/timeline?limit=2&minPosition=${target.head}` });
  seeded.cursor = page.json?.nextCursor ?? '';
  if (!seeded.cursor) throw new Error(`no cursor from the seeded timeline: ${page.text}`);
});
beforeEach(() => {
  target.findings = new Findings();
});
afterAll(async () => {
  await target?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Query parameters: the contract's name and type for each, and generators of valid and hostile values.
// ---------------------------------------------------------------------------------------------------------------

type ParamType =
  | 'pdate'
  | 'kinds'
  | 'limit'
  | 'limit1000'
  | 'cursor'
  | 'order'
  | 'instant'
  | 'bool'
  | 'format'
  | 'position'
  | 'org'
  | 'country'
  | 'q'
  | 'after';
type V = 'valid' | 'invalid' | 'unsure' | 'behind';

// prettier-ignore
const TIMELINE: Record<string, ParamType> = {
  from: 'pdate', to: 'pdate', kind: 'kinds', limit: 'limit', cursor: 'cursor', order: 'order', asKnownAt: 'instant', includeRetracted: 'bool', format: 'format', minPosition: 'position',
};
const SEARCH: Record<string, ParamType> = { ...TIMELINE, organization: 'org', country: 'country', q: 'q' };

interface Endpoint {
  name: string;
  /** Path template: {org}, {country}, {a}, {b}, {id}. */
  template: string;
  params: Record<string, ParamType>;
  /** What a valid request may answer (presidencies?asOf= is a 404 when nobody held it). */
  ok: number[];
  timeline?: boolean;
  live?: boolean;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /api/organizations/{code}/timeline',
    template: '/api/organizations/{org}/timeline',
    params: TIMELINE,
    ok: [200],
    timeline: true,
  },
  {
    name: 'GET /api/countries/{code}/timeline',
    template: '/api/countries/{country}/timeline',
    params: TIMELINE,
    ok: [200],
    timeline: true,
  },
  {
    name: 'GET /api/countries/{a}/relations/{b}/timeline',
    template: '/api/countries/{a}/relations/{b}/timeline',
    params: TIMELINE,
    ok: [200],
    timeline: true,
  },
  { name: 'GET /api/developments (search)', template: '/api/developments', params: SEARCH, ok: [200], timeline: true },
  { name: 'GET /api/developments/{id}', template: '/api/developments/{id}', params: { minPosition: 'position' }, ok: [200] },
  { name: 'GET /api/organizations', template: '/api/organizations', params: { minPosition: 'position' }, ok: [200] },
  { name: 'GET /api/organizations/{code}', template: '/api/organizations/{org}', params: { minPosition: 'position' }, ok: [200] },
  {
    name: 'GET /api/organizations/{code}/members',
    template: '/api/organizations/{org}/members',
    params: { asOf: 'pdate', asKnownAt: 'instant', minPosition: 'position' },
    ok: [200],
  },
  {
    name: 'GET /api/organizations/{code}/presidencies',
    template: '/api/organizations/{org}/presidencies',
    params: { asOf: 'pdate', minPosition: 'position' },
    ok: [200, 404],
  },
  {
    name: 'GET /api/countries/{code}/memberships',
    template: '/api/countries/{country}/memberships',
    params: { asOf: 'pdate', minPosition: 'position' },
    ok: [200],
  },
  { name: 'GET /api/projections', template: '/api/projections', params: {}, ok: [200] },
  { name: 'GET /api/events', template: '/api/events', params: { after: 'after', limit: 'limit1000' }, ok: [200] },
  { name: 'GET /api/live', template: '/api/live', params: { organization: 'org', country: 'country' }, ok: [200], live: true },
  { name: 'GET /health/live', template: '/health/live', params: {}, ok: [200] },
  { name: 'GET /health/ready', template: '/health/ready', params: {}, ok: [200] },
];

const ALL_NAMES = [...new Set(ENDPOINTS.flatMap((e) => Object.keys(e.params)).concat('asOf', 'asKnownAt'))];
const ODD_NAMES = [
  'foo',
  'kind[]',
  'limit[0]',
  'a[b]',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'LIMIT',
  'Limit',
  'limit ',
  '',
  'q.x',
  '$where',
];
/** Percent-encodings sent verbatim: broken, NUL, encoded separators. */
const RAW_VALUES = ['%', '%zz', '%E0%A4%A', '%00', '%2F..%2F', '%26limit%3D1', '+', '%2B', '%C0%AE', '..', '%u0041', 'a%20b%20c', '%0A%0D'];

const HEAD_TOKEN = '<head>';
const instantArb = fc.oneof(
  fc
    .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom('2024-07-04T12:00:00Z', '2024-07-04T12:00:00+05:30', '2024-07-04T12:00:00-08:00', '2099-12-31T23:59:59.999Z'),
);
const UNSURE_INSTANTS = [
  '2024-07-04T24:00:00Z',
  '2024-07-04T12:00Z',
  '2024-07-04T12:00:60Z',
  '2024-07-04T12:00:00+1400',
  '2024-07-04T12:00:00.123456789Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
];

const validValue: Record<ParamType, fc.Arbitrary<string>> = {
  pdate: partialDateArb,
  kinds: fc.uniqueArray(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 3 }).map((k) => k.join(',')),
  limit: fc.oneof(fc.constantFrom('1', '2', '50', '499', '500'), fc.integer({ min: 1, max: 500 }).map(String)),
  limit1000: fc.oneof(fc.constantFrom('1', '999', '1000'), fc.integer({ min: 1, max: 1000 }).map(String)),
  cursor: fc.constant('<cursor>'),
  order: fc.constantFrom('asc', 'desc'),
  instant: fc.oneof(instantArb, fc.constantFrom(...UNSURE_INSTANTS)),
  bool: fc.constantFrom('true', 'false'),
  format: fc.constantFrom('json', 'csv', 'ics', 'timelinejs'),
  position: fc.constantFrom('0', '1', HEAD_TOKEN, '9223372036854775807', '99999999'),
  org: fc.constantFrom('SCO', 'sco', 'Brics', 'UN', 'NOPE', 'nato'),
  country: countryArb,
  q: fc.oneof(
    fc.constantFrom(
      'Meeting',
      'meeting 0',
      "'%_\\",
      "' OR 1=1 --",
      '%',
      '_',
      '\\',
      '%_%',
      'Putin Xi',
      '"; DROP TABLE events; --',
      'ñ 漢字 👍🏽',
    ),
    fc.string({ maxLength: 40 }),
  ),
  after: fc.constantFrom('0', '1', '5', HEAD_TOKEN, '9223372036854775807'),
};

function judgeValue(type: ParamType, value: string, head: bigint): V {
  switch (type) {
    case 'pdate':
      return partialDateRange(value) ? 'valid' : /^0000/.test(value) ? 'unsure' : 'invalid';
    case 'kinds':
      if (value === '') return 'unsure';
      return value.split(',').every((k) => (KINDS as readonly string[]).includes(k))
        ? 'valid'
        : value.split(',').some((k) => k.trim() === '' || k !== k.trim())
          ? 'unsure'
          : 'invalid';
    case 'limit':
    case 'limit1000': {
      const max = type === 'limit' ? 500 : 1000;
      if (/^[1-9]\d*$/.test(value) && Number(value) <= max) return 'valid';
      if (value === '' || /^0\d+$/.test(value) || (/^\+?\d+$/.test(value.trim()) && value !== value.trim())) return 'unsure';
      return 'invalid';
    }
    case 'cursor':
      return value === '<cursor>' ? 'valid' : value === '' ? 'unsure' : 'invalid';
    case 'order':
      return value === 'asc' || value === 'desc' ? 'valid' : value === '' ? 'unsure' : 'invalid';
    case 'instant':
      if (UNSURE_INSTANTS.includes(value)) return 'unsure';
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value))
        ? 'valid'
        : /^\d{4}-\d{2}-\d{2}T/.test(value)
          ? 'unsure'
          : 'invalid';
    case 'bool':
      return value === 'true' || value === 'false' ? 'valid' : /^(TRUE|FALSE|True|False|1|0|)$/.test(value) ? 'unsure' : 'invalid';
    case 'format':
      return ['json', 'csv', 'ics', 'timelinejs'].includes(value)
        ? 'valid'
        : value === '' || ['JSON', 'CSV'].includes(value)
          ? 'unsure'
          : 'invalid';
    case 'position':
    case 'after':
      if (!/^\d{1,19}$/.test(value)) return value === '' ? 'unsure' : 'invalid';
      if (BigInt(value) > 9223372036854775807n) return 'invalid';
      // A position beyond the end of the log is refused at once: no write answered it.
      return type === 'position' && BigInt(value) > head ? 'invalid' : 'valid';
    case 'org':
      // Whether a search for an unknown organization is an empty answer, a 400 or a 404 is not said.
      return target.organizations.has(value.toUpperCase()) ? 'valid' : 'unsure';
    case 'country':
      return normalizeCountry(value) ? 'valid' : normalizeCountry(value.trim()) ? 'unsure' : 'invalid';
    case 'q':
      return value.length <= 200 ? 'valid' : 'unsure';
  }
}

interface QueryEntry {
  name: string;
  value: string;
  /** Sent verbatim (not percent-encoded). */
  raw?: boolean;
  /** `&name` with no `=`. */
  bare?: boolean;
}

const shortHostile = hostileStringArb.filter((s) => s.length <= 2500);

function entryArb(endpoint: Endpoint): fc.Arbitrary<QueryEntry> {
  const names = Object.keys(endpoint.params);
  const known = names.length
    ? fc
        .constantFrom(...names)
        .chain((name) =>
          fc.oneof(
            { weight: 6, arbitrary: validValue[endpoint.params[name]!].map((value) => ({ name, value })) },
            { weight: 4, arbitrary: shortHostile.map((value) => ({ name, value })) },
            { weight: 1, arbitrary: fc.constantFrom(...RAW_VALUES).map((value) => ({ name, value, raw: true })) },
          ),
        )
    : fc.constantFrom(...ALL_NAMES).map((name) => ({ name, value: '1' }));
  return fc.oneof(
    { weight: 8, arbitrary: known },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ODD_NAMES, ...ALL_NAMES), shortHostile).map(([name, value]) => ({ name, value })) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_NAMES, ...names).map((name) => ({ name, value: '', bare: true })) },
  );
}

/** Path parameters: valid ones (any case), unknown ones, hostile ones (percent-encoded, or raw). */
type Segment = { text: string; verdict: 'valid' | 'missing' | 'invalid' | 'raw' | 'lenient' };
/** An empty segment does not match the route (404 is fine); blanks around a code may be forgiven. */
const classify = (segment: Segment): Segment =>
  segment.text === '' ? { ...segment, verdict: 'raw' } : /^%20.+%20$/.test(segment.text) ? { ...segment, verdict: 'lenient' } : segment;
const orgSegment: fc.Arbitrary<Segment> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('SCO', 'sco', 'Sco', 'BRICS', 'un', 'NATO').map((text) => ({ text, verdict: 'valid' as const })),
  },
  { weight: 2, arbitrary: fc.constantFrom('NOPE', 'SCOX', 'XX', 'A', 'A-B').map((text) => ({ text, verdict: 'missing' as const })) },
  {
    weight: 3,
    arbitrary: shortHostile
      .filter((s) => s.length <= 150 && !['SCO', 'sco', 'UN', 'EU', ' SCO '].includes(s))
      .map((s) => ({ text: pct(s), verdict: 'missing' as const })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS()).map((text) => ({ text, verdict: 'raw' as const })) },
);
const countrySegment: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 5, arbitrary: countryArb.map((text) => ({ text, verdict: 'valid' as const })) },
  {
    weight: 3,
    arbitrary: shortHostile
      .filter((s) => s.length <= 150 && !normalizeCountry(s.trim()))
      .map((s) => ({ text: pct(s), verdict: 'invalid' as const })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS()).map((text) => ({ text, verdict: 'raw' as const })) },
);
const idSegment = (): fc.Arbitrary<Segment> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...seeded.ids), fc.boolean())
        .map(([id, upper]) => ({ text: upper ? id.toUpperCase() : id, verdict: 'valid' as const })),
    },
    { weight: 2, arbitrary: fc.uuid().map((text) => ({ text, verdict: 'missing' as const })) },
    { weight: 2, arbitrary: shortHostile.filter((s) => s.length <= 150).map((s) => ({ text: pct(s), verdict: 'missing' as const })) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_SEGMENTS()).map((text) => ({ text, verdict: 'raw' as const })) },
  );
function RAW_SEGMENTS(): string[] {
  return [
    '..',
    '.',
    '%2e%2e',
    '%2E%2E%2F%2E%2E',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'SCO%00',
    'a%2Fb',
    '%5C',
    '%',
    '%zz',
    '%E0%A4%A',
    '%C0%AE',
    '%F0%9F%98%80',
    '%20SCO%20',
    '~',
    '+',
    'A'.repeat(199),
    'A'.repeat(201),
    'A'.repeat(2000),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Sending and judging one read
// ---------------------------------------------------------------------------------------------------------------

function buildQuery(entries: QueryEntry[], head: string): string {
  if (entries.length === 0) return '';
  const parts = entries.map((e) => {
    const value = e.value === '<cursor>' ? seeded.cursor : e.value === HEAD_TOKEN ? head : e.value;
    const name = pct(e.name);
    if (e.bare) return name;
    return `${name}=${e.raw ? value : pct(value)}`;
  });
  return `?${parts.join('&')}`;
}

async function checkRead(endpoint: Endpoint, segments: Record<string, Segment>, entries: QueryEntry[]): Promise<void> {
  const findings = target.findings;
  const head = BigInt(target.head);
  let path = endpoint.template;
  segments = Object.fromEntries(Object.entries(segments).map(([k, v]) => [k, classify(v)]));
  for (const [key, segment] of Object.entries(segments)) path = path.replace(`{${key}}`, segment.text);
  const req: Req = { method: 'GET', path: path + buildQuery(entries, target.head), ...(endpoint.live ? { headOnly: true } : {}) };

  // The contract's verdict on the query: valid, invalid, unsure (not said), or a position the views may not have.
  const verdicts: V[] = [];
  const why: string[] = [];
  const seen = new Map<string, number>();
  for (const e of entries) seen.set(e.name, (seen.get(e.name) ?? 0) + 1);
  for (const e of entries) {
    const type = Object.prototype.hasOwnProperty.call(endpoint.params, e.name) ? endpoint.params[e.name] : undefined;
    let v: V;
    if (!type) v = 'unsure';
    else if (e.raw || e.bare || (seen.get(e.name) ?? 0) > 1) v = 'unsure';
    else v = judgeValue(type, e.value === HEAD_TOKEN ? target.head : e.value, head);
    verdicts.push(v);
    if (v !== 'valid') why.push(`${e.name}=${show(e.value, 40)}: ${v}`);
  }
  const single = (name: string) => (entries.filter((e) => e.name === name).length === 1 ? entries.find((e) => e.name === name) : undefined);
  const from = single('from');
  const to = single('to');
  const fromRange = from && !from.raw && partialDateRange(from.value);
  const toRange = to && !to.raw && partialDateRange(to.value);
  if (endpoint.timeline && fromRange && toRange && toRange.last < fromRange.first) {
    verdicts.push('invalid');
    why.push('to precedes from');
  }
  const cursor = single('cursor');
  const order = single('order');
  if (cursor?.value === '<cursor>' && order && order.value === 'desc') {
    verdicts.push('unsure');
    why.push('a cursor of an ascending page used with order=desc');
  }
  const query: V = verdicts.includes('invalid')
    ? 'invalid'
    : verdicts.includes('unsure')
      ? 'unsure'
      : verdicts.includes('behind')
        ? 'behind'
        : 'valid';

  const pathVerdicts = Object.values(segments).map((s) => s.verdict);
  let allowed: number[];
  const pathFailure = pathVerdicts.includes('raw')
    ? [400, 404, 414]
    : pathVerdicts.includes('lenient')
      ? [...endpoint.ok, 400, 404]
      : pathVerdicts.includes('invalid')
        ? [400]
        : pathVerdicts.includes('missing')
          ? [404]
          : undefined;
  if (query === 'unsure') allowed = [...endpoint.ok, 400, 404, ...(pathFailure ?? [])];
  else if (query === 'invalid') allowed = [400, ...(pathFailure ?? [])];
  else allowed = pathFailure ?? endpoint.ok;
  const allowViewsBehind = query === 'behind' || (query === 'unsure' && entries.some((e) => e.name === 'minPosition'));
  if (allowViewsBehind) allowed = [...allowed, 503];

  const behind = entries.some(
    (e) => e.name === 'minPosition' && !e.raw && judgeValue('position', e.value === HEAD_TOKEN ? target.head : e.value, head) === 'behind',
  );
  findings.requests++;
  let reply: Reply;
  try {
    reply = await target.send(req);
  } catch (error) {
    findings.add(`${endpoint.name}: no answer (${String(error)})`, requestLabel(req));
    return;
  }
  findings.count(reply.status);
  const example = `${requestLabel(req)}\n      → ${replyLabel(reply)}${why.length ? `\n      contract: ${why.slice(0, 3).join('; ')}` : ''}`;
  if (query === 'invalid' && behind && reply.status === 503 && reply.json?.code === 'VIEWS_BEHIND')
    findings.add(`${endpoint.name}: an invalid query with a future minPosition waits and answers 503 VIEWS_BEHIND instead of 400`, example);
  checkAnswer(findings, endpoint.name, req, reply, { allowViewsBehind: allowViewsBehind || behind });
  if (reply.status > 0 && reply.status < 500 && !allowed.includes(reply.status)) {
    const what =
      query === 'valid' && !pathFailure && reply.status === 400
        ? `refused a valid query [${(reply.json?.errors ?? []).map((e: { field: string }) => e.field).join(',')}]`
        : query === 'invalid' && reply.status === 200
          ? `accepted an invalid query [${why[0]?.split('=')[0] ?? ''}]`
          : `answered ${reply.status} where the contract allows ${[...new Set(allowed)].join('/')}`;
    findings.add(`${endpoint.name}: ${what}`, example);
  }
  if (reply.status === 200) checkSuccess(endpoint, entries, reply, example);
  if (reply.status === 200 && endpoint.timeline) await checkDateRange(path, entries, reply, example);
  if (
    reply.status === 404 &&
    pathVerdicts.includes('missing') &&
    endpoint.template.includes('{id}') &&
    reply.json?.code !== 'DEVELOPMENT_NOT_FOUND'
  )
    findings.add(`${endpoint.name}: unknown id answered 404 with code ${reply.json?.code}`, example);
}

/**
 * from/to (inclusive partial dates): no item may lie wholly outside the range, and every item lying wholly inside it
 * must be there (checked against the unfiltered timeline, for queries of only from, to and order).
 */
async function checkDateRange(path: string, entries: QueryEntry[], reply: Reply, example: string): Promise<void> {
  if (!Array.isArray(reply.json?.items) || entries.some((e) => e.raw || e.bare || !['from', 'to', 'order'].includes(e.name))) return;
  const one = (name: string) => {
    const found = entries.filter((e) => e.name === name);
    return found.length === 1 ? partialDateRange(found[0]!.value) : found.length === 0 ? null : undefined;
  };
  const from = one('from');
  const to = one('to');
  if (from === undefined || to === undefined || (!from && !to)) return;
  const low = from?.first ?? 0;
  const high = to?.last ?? 99_999_999;
  type Item = { developmentId: string; occurredOn: string; endsOn?: string };
  const span = (item: Item) => {
    const start = partialDateRange(item.occurredOn);
    const end = item.endsOn ? partialDateRange(item.endsOn) : start;
    return start && end ? { first: start.first, last: end.last } : undefined;
  };
  const outside = (reply.json.items as Item[]).filter((item) => {
    const s = span(item);
    return s && (s.last < low || s.first > high);
  });
  if (outside.length > 0)
    target.findings.add(
      'GET timelines: from/to answered items wholly outside the range',
      `${example}\n      outside: ${outside.map((i) => i.occurredOn).join(', ')}`,
    );
  const all = await target.send({ method: 'GET', path: `${path}?limit=500` });
  if (!Array.isArray(all.json?.items) || all.json.nextCursor !== null || reply.json.nextCursor !== null) return;
  const got = new Set((reply.json.items as Item[]).map((i) => i.developmentId));
  const missing = (all.json.items as Item[]).filter((item) => {
    const s = span(item);
    return s && s.first >= low && s.last <= high && !got.has(item.developmentId);
  });
  if (missing.length > 0)
    target.findings.add(
      'GET timelines: from/to left out items wholly inside the range',
      `${example}\n      missing: ${missing.map((i) => i.occurredOn).join(', ')}`,
    );
}

/** A 200 has the documented shape; limit and kind are honoured; each format has its media type. */
function checkSuccess(endpoint: Endpoint, entries: QueryEntry[], reply: Reply, example: string): void {
  const findings = target.findings;
  const type = String(reply.headers['content-type'] ?? '');
  const format = entries.filter((e) => e.name === 'format').length === 1 ? entries.find((e) => e.name === 'format')!.value : 'json';
  if (endpoint.live) {
    if (!/^text\/event-stream/.test(type)) findings.add(`${endpoint.name}: 200 is not text/event-stream (${type})`, example);
    return;
  }
  if (!endpoint.timeline || format === 'json') {
    if (!/^application\/json/.test(type)) findings.add(`${endpoint.name}: 200 answered as ${type}`, example);
  }
  if (endpoint.timeline) {
    const expected: Record<string, RegExp> = {
      json: /^application\/json/,
      csv: /^text\/csv/,
      ics: /^text\/calendar/,
      timelinejs: /^application\/json/,
    };
    if (expected[format] && !expected[format].test(type)) findings.add(`${endpoint.name}: format=${format} answered as ${type}`, example);
    if (format === 'json') {
      const body = reply.json;
      if (!body || !Array.isArray(body.items) || !(body.nextCursor === null || typeof body.nextCursor === 'string')) {
        findings.add(`${endpoint.name}: 200 without { items, nextCursor }`, example);
        return;
      }
      const limit = entries.filter((e) => e.name === 'limit').length === 1 ? Number(entries.find((e) => e.name === 'limit')!.value) : 50;
      if (Number.isInteger(limit) && limit >= 1 && body.items.length > limit)
        findings.add(`${endpoint.name}: more items than limit`, example);
      const kind = entries.filter((e) => e.name === 'kind').length === 1 ? entries.find((e) => e.name === 'kind')!.value : undefined;
      if (kind && judgeValue('kinds', kind, 0n) === 'valid' && body.items.some((i: { kind: string }) => !kind.split(',').includes(i.kind)))
        findings.add(`${endpoint.name}: items of a kind not asked for`, example);
      for (const item of body.items)
        if (typeof item?.developmentId !== 'string' || typeof item?.occurredOn !== 'string' || !Array.isArray(item?.countries)) {
          findings.add(`${endpoint.name}: an item without developmentId/occurredOn/countries`, example);
          break;
        }
    }
  }
}

const segmentsArb = (endpoint: Endpoint): fc.Arbitrary<Record<string, Segment>> => {
  const model: Record<string, fc.Arbitrary<Segment>> = {};
  if (endpoint.template.includes('{org}')) model.org = orgSegment;
  if (endpoint.template.includes('{country}')) model.country = countrySegment;
  if (endpoint.template.includes('{a}')) model.a = countrySegment;
  if (endpoint.template.includes('{b}')) model.b = countrySegment;
  if (endpoint.template.includes('{id}')) model.id = idSegment();
  return fc.record(model);
};

async function fuzzEndpoints(endpoints: Endpoint[], numRuns: number, salt: number, pathWeight = 1): Promise<void> {
  for (const [i, endpoint] of endpoints.entries()) {
    const queryArb = fc.array(entryArb(endpoint), { maxLength: 4 });
    // Hostile path parameters come with a valid or empty query, so the path is what is judged.
    const caseArb = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(segmentsArb(endpoint), queryArb) },
      { weight: pathWeight, arbitrary: fc.tuple(segmentsArb(endpoint), fc.constant([] as QueryEntry[])) },
    );
    await fuzz(caseArb, numRuns, ([segments, entries]) => checkRead(endpoint, segments, entries), salt + i);
  }
}

describe('GET endpoints with generated hostile query strings and path parameters', () => {
  it('timelines (organization, country, relations) and search: never a 5xx, problems for every 4xx, valid queries answered', async () => {
    const before = await target.eventCount();
    // The edges of the calendar and of the parameters, for every timeline.
    const edges: Array<Array<[string, string]>> = [
      [
        ['from', '2024'],
        ['to', '9999'],
      ],
      [
        ['from', '9999'],
        ['to', '9999'],
      ],
      [
        ['from', '0001'],
        ['to', '9999-12-31'],
      ],
      [['to', '9999-12']],
      [['to', '9999']],
      [['to', '0050-06-01']],
      [
        ['from', '0001'],
        ['to', '0099-12-31'],
      ],
      [
        ['from', '2024-02-29'],
        ['to', '2024-02-29'],
      ],
      [
        ['from', '2024-07'],
        ['to', '2024-07'],
      ],
      [
        ['limit', '500'],
        ['order', 'desc'],
        ['includeRetracted', 'true'],
      ],
      [
        ['kind', KINDS.join(',')],
        ['format', 'ics'],
      ],
      [
        ['asKnownAt', '1970-01-01T00:00:00Z'],
        ['format', 'csv'],
      ],
      [['q', "' OR 1=1 --"]],
      [['q', '%_\\']],
    ];
    for (const endpoint of ENDPOINTS.filter((e) => e.timeline))
      for (const edge of edges) {
        const entries = edge.filter(([name]) => name in endpoint.params).map(([name, value]) => ({ name, value }));
        const segments = {
          org: { text: 'SCO', verdict: 'valid' as const },
          country: { text: 'CN', verdict: 'valid' as const },
          a: { text: 'cn', verdict: 'valid' as const },
          b: { text: 'RUS', verdict: 'valid' as const },
        };
        await checkRead(
          endpoint,
          Object.fromEntries(Object.entries(segments).filter(([k]) => endpoint.template.includes(`{${k}}`))),
          entries,
        );
      }
    await fuzzEndpoints(
      ENDPOINTS.filter((e) => e.timeline),
      110,
      700,
    );
    if ((await target.eventCount()) !== before) target.findings.add('reads appended events', '(timelines batch)');
    checkNoPollution(target.findings);
    target.findings.assertNone('timelines and search');
  });

  it('developments, organizations, members, presidencies and memberships: never a 5xx, problems for every 4xx', async () => {
    const before = await target.eventCount();
    await fuzzEndpoints(
      ENDPOINTS.filter((e) => !e.timeline && /\{|\/api\/organizations$/.test(e.template)),
      70,
      800,
      2,
    );
    if ((await target.eventCount()) !== before) target.findings.add('reads appended events', '(entity reads batch)');
    checkNoPollution(target.findings);
    target.findings.assertNone('entity reads');
  });

  it('events, projections, live and health: never a 5xx, problems for every 4xx; the service stays ready', async () => {
    const before = await target.eventCount();
    await fuzzEndpoints(
      ENDPOINTS.filter((e) => ['/api/events', '/api/projections', '/api/live', '/health/live', '/health/ready'].includes(e.template)),
      40,
      900,
    );
    if ((await target.eventCount()) !== before) target.findings.add('reads appended events', '(operations batch)');
    const ready = await target.send({ method: 'GET', path: '/health/ready' });
    if (ready.status !== 200) target.findings.add(`/health/ready answered ${ready.status} at the end`, ready.text);
    target.findings.assertNone('operations, live and health');
  });

  it('answers an over-long request line or header with a problem, not a bare server error', async () => {
    const cases: Req[] = [
      { method: 'GET', path: `/api/developments?q=${'x'.repeat(20_000)}` },
      { method: 'GET', path: `/api/organizations/${'A'.repeat(20_000)}` },
      { method: 'GET', path: '/api/organizations', headers: { 'x-filler': 'y'.repeat(20_000) } },
      { method: 'GET', path: `/api/developments?${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}` },
      { method: 'GET', path: `/api/developments?${Array.from({ length: 1500 }, () => 'kind=meeting').join('&')}` },
    ];
    for (const req of cases) {
      req.fresh = true;
      target.findings.requests++;
      const reply = await target
        .send(req)
        .catch((error: unknown) => ({ status: 0, headers: {}, text: String(error), json: undefined, ms: 0 }) satisfies Reply);
      target.findings.count(reply.status);
      checkAnswer(target.findings, 'GET with an over-long request', req, reply);
      if (reply.status === 0 || reply.status >= 500)
        target.findings.add(`GET with an over-long request: ${reply.status}`, `${requestLabel(req)}\n      → ${replyLabel(reply)}`);
    }
    const ready = await target.send({ method: 'GET', path: '/health/ready' });
    if (ready.status !== 200) target.findings.add(`/health/ready answered ${ready.status} after over-long requests`, ready.text);
    target.findings.assertNone('over-long requests');
  });
});
