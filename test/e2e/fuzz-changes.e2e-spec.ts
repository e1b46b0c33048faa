/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "target.findings.assertNone"] }] -- Findings.assertNone asserts */
/**
 * Hardening: generated hostile corrections, retractions (bodies and path ids) and NDJSON imports.
 * Each test collects every distinct contract violation of its generated requests and fails with all of them.
 */
import {
  applyMutation,
  checkAnswer,
  checkServiceHealthy,
  checkWrite,
  CONFLICT_CODES,
  describeMutation,
  fc,
  Findings,
  fuzz,
  HOSTILE_STRINGS,
  hostileRawArb,
  hostileValueArb,
  judgeBody,
  judgeCorrection,
  judgeRetraction,
  KINDS,
  MIB,
  mutationArb,
  ndjson,
  ORG_TOKEN,
  PATHS,
  pct,
  prepare,
  reasonField,
  replyLabel,
  requestLabel,
  show,
  substitute,
  Target,
  jsonReq,
  textArb,
  toJson,
  validBodyArb,
  type Judged,
  type Kind,
  type Mutation,
  type Req,
  type Verdict,
} from './support-fuzz';

jest.setTimeout(240_000);

let target: Target;
beforeAll(async () => {
  target = await Target.start(new Findings());
});
beforeEach(() => {
  target.findings = new Findings();
});
afterAll(async () => {
  await target?.close();
});

/**
 * Records a valid development of `kind` and answers its id and content; undefined (and a finding) when the service
 * refuses the valid body, so the case is skipped rather than judged against a development that does not exist.
 */
async function recorded(
  kind: Kind,
  generated: Record<string, unknown>,
): Promise<{ id: string; base: Record<string, unknown> } | undefined> {
  const { base } = await prepare(target, kind, generated);
  const req = jsonReq(PATHS[kind], toJson(base));
  const reply = await target.send(req);
  await target.newEvents();
  if (reply.status !== 201) {
    const fields = Array.isArray(reply.json?.errors) ? reply.json.errors.map((e: { field: string }) => e.field).join(',') : '';
    target.findings.add(
      `setup: a valid body was refused → ${reply.status} ${reply.json?.code ?? ''} [${fields}]`,
      `${requestLabel(req)}\n      → ${replyLabel(reply)}`,
    );
    return undefined;
  }
  return { id: reply.json.developmentId as string, base };
}

/** A valid `changes` object of `kind`: some content fields of another valid body (never the organization it belongs to). */
function changesArb(kind: Kind): fc.Arbitrary<Record<string, unknown>> {
  return validBodyArb(kind).chain((other) => {
    const keys = Object.keys(other).filter((k) => k !== 'id' && !(k === 'organization' && kind !== 'meeting'));
    return fc.subarray(keys, { minLength: 1 }).map((picked) => Object.fromEntries(picked.map((k) => [k, other[k]])));
  });
}

const correctionArb = (kind: Kind) =>
  fc.record(
    {
      changes: changesArb(kind),
      reason: textArb(1, 300),
      sources: fc.constantFrom([{ url: 'https://example.org/correction' }], [{ publisher: 'Reuters' }]),
    },
    { requiredKeys: ['changes', 'reason'] },
  );

describe('POST /api/developments/{id}/corrections', () => {
  it('accepts valid generated corrections and refuses corrupted ones with problems, appending nothing for a refusal', async () => {
    const caseArb = fc.constantFrom(...KINDS).chain((kind) =>
      fc.record({
        kind: fc.constant(kind),
        original: validBodyArb(kind),
        correction: correctionArb(kind),
        mutate: fc.oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constant(true) }),
        seed: fc.integer(),
      }),
    );
    await fuzz(
      caseArb.chain((c) =>
        c.mutate
          ? mutationArb(c.correction).map((mutation): typeof c & { mutation?: Mutation } => ({ ...c, mutation }))
          : fc.constant<typeof c & { mutation?: Mutation }>({ ...c }),
      ),
      200,
      async ({ kind, original, correction, mutation }) => {
        const development = await recorded(kind, original);
        if (!development) return;
        const { id, base } = development;
        const body = mutation ? applyMutation(correction, mutation) : correction;
        const text = toJson(substitute(body, ORG_TOKEN, 'SCO'));
        const judged = judgeCorrection(kind, JSON.parse(text), base, target.organizations);
        await checkWrite(target, 'POST /api/developments/{id}/corrections', jsonReq(`/api/developments/${id}/corrections`, text), judged, {
          note: `${kind} ${mutation ? `mutation: ${describeMutation(mutation)}` : 'valid correction'}`,
        });
      },
      500,
    );
    await checkServiceHealthy(target);
    target.findings.assertNone('corrections');
  });

  it('answers 404 DEVELOPMENT_NOT_FOUND (or a 400/414 problem) for hostile ids in the path, appending nothing', async () => {
    const { id } = (await recorded('meeting', {
      occurredOn: '2024-07-03',
      title: 'Fuzz target',
      participants: [
        { name: 'A', country: 'CN' },
        { name: 'B', country: 'RU' },
      ],
    }))!;
    const idArb = fc.oneof(
      fc.uuid().map((u) => ({ segment: u, exists: false, raw: false })),
      fc.constantFrom(id.toUpperCase(), id).map((u) => ({ segment: u, exists: true, raw: false })),
      hostileRawIdArb.map((segment) => ({ segment, exists: false, raw: true })),
      fc.constantFrom(...HOSTILE_STRINGS, 'x'.repeat(300)).map((s) => ({ segment: pct(s), exists: false, raw: false })),
    );
    await fuzz(
      fc.tuple(idArb, fc.constantFrom('corrections', 'retraction')),
      80,
      async ([{ segment, exists }, action]) => {
        const body = action === 'corrections' ? { changes: { title: 'Corrected by the fuzzer' }, reason: 'fuzz' } : { reason: 'fuzz' };
        const req: Req = jsonReq(`/api/developments/${segment}/${action}`, toJson(body));
        const judged: Judged = exists ? { verdict: 'valid', why: [] } : { verdict: 'invalid', why: ['✗ no such development'] };
        const { reply } = await checkWrite(target, `POST /api/developments/{hostile id}/${action}`, req, judged, {
          allowed: exists ? [201, 409] : [400, 404, 414],
        });
        // An empty segment matches no route at all: a plain NOT_FOUND is right there.
        if (!exists && segment !== '' && reply.status === 404 && reply.json?.code !== 'DEVELOPMENT_NOT_FOUND')
          target.findings.add(
            `POST /api/developments/{hostile id}/${action}: 404 with code ${reply.json?.code}`,
            `${requestLabel(req)} → ${replyLabel(reply)}`,
          );
      },
      510,
    );
    target.findings.assertNone('hostile development ids');
  });
});

/** Path segments sent verbatim: dot segments, encoded slashes and NULs, broken percent-encoding, very long. */
// prettier-ignore
export const hostileRawIdArb = fc.constantFrom(
  '..', '.', '%2e%2e', '%2E%2E%2F%2E%2E', '..%2F..%2Fetc%2Fpasswd', '%00', 'a%00b', '%2F', 'a%2Fb', '%5C', '%', '%zz', '%E0%A4%A', '%C0%AE',
  '%F0%9F%98%80', '%EF%BB%BF', '~', '%20', '+', 'null', 'undefined', '__proto__', 'constructor', 'a'.repeat(199), 'a'.repeat(201), 'a'.repeat(1000),
);

describe('POST /api/developments/{id}/retraction', () => {
  it('retracts once with a valid reason, refuses hostile bodies with problems, and answers 409 DEVELOPMENT_RETRACTED afterwards', async () => {
    const bodyArb = fc.oneof(
      { weight: 1, arbitrary: textArb(1, 300).map((reason): { body: unknown; note: string } => ({ body: { reason }, note: 'valid' })) },
      {
        weight: 3,
        arbitrary: mutationArb({ reason: 'Recorded in error' }).map((m) => ({
          body: applyMutation({ reason: 'Recorded in error' }, m),
          note: `mutation: ${describeMutation(m)}`,
        })),
      },
      { weight: 1, arbitrary: hostileValueArb.map((body) => ({ body, note: 'hostile value' })) },
      { weight: 1, arbitrary: hostileRawArb.map((raw) => ({ body: raw, note: raw.label })) },
    );
    await fuzz(
      fc.tuple(
        fc.constantFrom(...KINDS).chain((kind) => fc.tuple(fc.constant(kind), validBodyArb(kind))),
        bodyArb,
      ),
      120,
      async ([[kind, original], { body, note }]) => {
        const development = await recorded(kind, original);
        if (!development) return;
        const { id, base } = development;
        const path = `/api/developments/${id}/retraction`;
        let req: Req;
        let judged: Judged;
        let allowed: number[] | undefined;
        if (body && typeof body === 'object' && 'label' in body && 'body' in body) {
          const raw = body as unknown as { body: string | Buffer; contentType?: string; json: boolean };
          req = { method: 'POST', path, body: raw.body, headers: raw.contentType ? { 'content-type': raw.contentType } : {} };
          judged = { verdict: 'invalid', why: [`✗ ${note}`] };
          if (raw.json && typeof raw.body === 'string') {
            try {
              judged = judgeRetraction(JSON.parse(raw.body));
            } catch {
              /* not JSON: invalid */
            }
          } else allowed = [400, 415];
        } else {
          const text = toJson(body);
          req = jsonReq(path, text);
          judged = judgeRetraction(JSON.parse(text));
        }
        const { reply } = await checkWrite(target, 'POST /api/developments/{id}/retraction', req, judged, {
          note,
          ...(allowed ? { allowed } : {}),
        });
        if (reply.status === 201) {
          // Retracted: a second retraction and any correction are 409 DEVELOPMENT_RETRACTED; the history stays.
          const again = await checkWrite(
            target,
            'POST /api/developments/{id}/retraction (again)',
            jsonReq(path, '{"reason":"again"}'),
            { verdict: 'valid', why: [] },
            { allowed: [409] },
          );
          const correction = toJson({ changes: { title: 'After the retraction' }, reason: 'late' });
          const late = await checkWrite(
            target,
            'POST /api/developments/{id}/corrections (retracted)',
            jsonReq(`/api/developments/${id}/corrections`, correction),
            { verdict: 'valid', why: [] },
            {
              allowed: [409],
            },
          );
          for (const r of [again.reply, late.reply])
            if (r.status === 409 && r.json?.code !== 'DEVELOPMENT_RETRACTED')
              target.findings.add(`after a retraction: 409 with code ${r.json?.code}`, replyLabel(r));
          const read = await target.send({ method: 'GET', path: `/api/developments/${id}?minPosition=${reply.json.position}` });
          if (read.status !== 200 || read.json?.retracted !== true || !Array.isArray(read.json?.history) || read.json.history.length < 2)
            target.findings.add(
              'a retracted development is not served with retracted=true and its history',
              `${kind} ${show(base.title)} → ${replyLabel(read)}`,
            );
        }
      },
      520,
    );
    await checkServiceHealthy(target);
    target.findings.assertNone('retractions');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// NDJSON import
// ---------------------------------------------------------------------------------------------------------------

interface Line {
  text: string;
  note: string;
  /** undefined: a blank line (skipped); otherwise what the contract says of the line. */
  verdict?: Verdict;
  why?: string[];
  hasId?: boolean;
}

// prettier-ignore
const HOSTILE_LINES = [
  '[]', 'null', '"meeting"', '42', '{}', '{"kind":"meeting"}', '{"kind":"MEETING","title":"x"}', '{"kind":null}', '{"kind":["meeting"]}', '{"kind":{}}',
  '{"kind":"meeting",', '{"kind":"meeting"}}', "{'kind':'meeting'}", '{"__proto__":{"polluted":"yes"},"kind":"meeting"}', '{"kind":"__proto__"}',
  '{"kind":"constructor"}', '{"kind":"toString"}', '\ufeff{"kind":"meeting"}', '\u0000', '{"kind":"meeting","title":"\\ud800"}', 'NaN', '{"kind":"meeting"} trailing',
];

function judgeLine(value: unknown, known: ReadonlySet<string>): Judged {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { verdict: 'invalid', why: ['✗ line: not a JSON object'] };
  const { kind, ...body } = value as Record<string, unknown>;
  if (typeof kind === 'string' && (KINDS as readonly string[]).includes(kind)) return judgeBody(kind as Kind, body, known);
  // correction, retraction and organization lines are this service's extension: not judged here.
  if (kind === 'correction' || kind === 'retraction' || kind === 'organization') return { verdict: 'unsure', why: [`? kind ${kind}`] };
  return { verdict: 'invalid', why: [`✗ kind: ${show(kind, 40)} is no development kind`] };
}

const lineArb: fc.Arbitrary<(known: ReadonlySet<string>, organization: string) => Line> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(...KINDS).chain((kind) =>
      validBodyArb(kind).map((body) => (known: ReadonlySet<string>, organization: string) => {
        const value = { kind, ...(substitute(body, ORG_TOKEN, organization) as Record<string, unknown>) };
        const text = toJson(value);
        const judged = judgeLine(JSON.parse(text), known);
        return { text, note: `valid ${kind}`, verdict: judged.verdict, why: judged.why };
      }),
    ),
  },
  {
    weight: 10,
    arbitrary: fc.constantFrom(...KINDS).chain((kind) =>
      validBodyArb(kind).chain((body) =>
        mutationArb({ kind, ...body }).map((m) => (known: ReadonlySet<string>, organization: string) => {
          const value = applyMutation(substitute({ kind, ...body }, ORG_TOKEN, organization) as Record<string, unknown>, m);
          const text = toJson(value);
          const parsed = JSON.parse(text);
          const judged = judgeLine(parsed, known);
          return {
            text,
            note: `${kind} mutation: ${describeMutation(m)}`,
            verdict: judged.verdict,
            why: judged.why,
            hasId: parsed && typeof parsed === 'object' && 'id' in parsed,
          };
        }),
      ),
    ),
  },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(...HOSTILE_LINES)
      .map((text) => (): Line => ({ text, note: 'hostile line', verdict: 'invalid', why: ['✗ hostile line'] })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1000, 5000, 20_000).map((d) => (): Line => ({
      text: `{"kind":"meeting","title":${'['.repeat(d)}${']'.repeat(d)}}`,
      note: `title nested ${d} deep`,
      verdict: 'invalid',
      why: ['✗ deep'],
    })),
  },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\t', '\r').map((text) => (): Line => ({ text, note: 'blank line' })) },
);

describe('POST /api/import (NDJSON)', () => {
  it('judges every generated line on its own, reports each refusal by line, appends exactly the accepted ones, never a 5xx', async () => {
    await fuzz(
      fc.tuple(fc.array(lineArb, { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n')),
      100,
      async ([makers, newline]) => {
        const organization = await target.freshOrganization();
        const lines = makers.map((make) => make(target.organizations, organization));
        const text = lines.map((l) => l.text).join(newline);
        const req = ndjson(text);
        target.findings.requests++;
        const reply = await target.send(req);
        const events = await target.newEvents();
        const example = `${requestLabel(req)}\n      → ${replyLabel(reply)}\n      lines: ${lines.map((l, i) => `${i + 1}: ${l.verdict ?? 'blank'} (${l.note}${l.why?.length ? `; ${l.why[0]}` : ''})`).join(' | ')}`;
        target.findings.count(reply.status);
        const judgedLines = lines.filter((l) => l.verdict !== undefined);
        checkAnswer(target.findings, 'POST /api/import', req, reply, {
          trigger: judgedLines.every((l) => l.verdict === 'valid') ? '(valid lines only)' : '(see the lines below)',
        });
        if (reply.status !== 200) {
          if (events.length > 0)
            target.findings.add(
              `POST /api/import: answered ${reply.status} after appending ${events.length} event(s) (partial write)`,
              example,
            );
          else target.findings.add(`POST /api/import: answered ${reply.status} to NDJSON`, example);
          if (reply.status >= 500 && !(await target.viewsHealthy()).ok) await target.restart();
          return;
        }
        const report = reply.json ?? {};
        if (typeof report.accepted !== 'number' || !Array.isArray(report.rejected)) {
          target.findings.add('POST /api/import: 200 without { accepted, rejected }', example);
          return;
        }
        const content = lines.map((l, i) => ({ ...l, number: i + 1 })).filter((l) => l.verdict !== undefined);
        const rejected = new Map<number, { code: string; errors?: Array<{ field: string }> }>(
          (report.rejected as Array<{ line: number; code: string }>).map((r) => [r.line, r]),
        );
        if (report.accepted + report.rejected.length !== content.length)
          target.findings.add('POST /api/import: accepted + rejected ≠ number of non-blank lines', example);
        const numbers = (report.rejected as Array<{ line: number }>).map((r) => r.line);
        if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!) || numbers.some((n) => !content.some((l) => l.number === n)))
          target.findings.add('POST /api/import: rejected line numbers are not the non-blank lines in order', example);
        for (const line of content) {
          const refusal = rejected.get(line.number);
          if (line.verdict === 'invalid' && !refusal)
            target.findings.add(
              `POST /api/import: accepted a line the contract refuses [${reasonField({ verdict: 'invalid', why: line.why ?? [] })}]`,
              `${example}\n      line ${line.number}: ${show(line.text, 300)}`,
            );
          if (line.verdict === 'invalid' && refusal && refusal.code !== 'VALIDATION_FAILED')
            target.findings.add(
              `POST /api/import: invalid line refused with ${refusal.code}`,
              `line ${line.number}: ${show(line.text, 300)}`,
            );
          if (line.verdict === 'valid' && refusal && !CONFLICT_CODES.has(refusal.code))
            target.findings.add(
              `POST /api/import: refused a line the contract accepts (${refusal.code} [${(refusal.errors ?? []).map((e) => e.field).join(',')}])`,
              `${example}\n      line ${line.number}: ${show(line.text, 300)}`,
            );
          if (line.verdict === 'unknown-org' && (!refusal || !['UNKNOWN_ORGANIZATION', 'VALIDATION_FAILED'].includes(refusal.code)))
            target.findings.add(
              `POST /api/import: unknown organization line answered ${refusal?.code ?? 'accepted'}`,
              `line ${line.number}: ${show(line.text, 300)}`,
            );
        }
        const withIds = content.some((l) => l.hasId);
        if (withIds ? events.length > report.accepted : events.length !== report.accepted)
          target.findings.add(`POST /api/import: ${report.accepted} accepted but ${events.length} event(s) appended`, example);
        if (report.accepted > 0 && typeof report.position === 'string') {
          const read = await target.send({ method: 'GET', path: `/api/developments?limit=1&minPosition=${report.position}` });
          if (read.status !== 200) {
            const health = await target.viewsHealthy();
            target.findings.add(
              `POST /api/import: views do not reach the import's position (${health.detail})`,
              `${example}\n      then → ${replyLabel(read)}`,
            );
            if (!health.ok) await target.restart();
          }
        }
      },
      600,
    );
    await checkServiceHealthy(target);
    target.findings.assertNone('NDJSON import');
  });

  it('refuses other media types (415) and bodies over 1 MiB (413) with problems, appending nothing', async () => {
    const line = (kind: string) =>
      toJson({
        kind,
        occurredOn: '2024',
        title: 'x',
        participants: [
          { name: 'A', country: 'CN' },
          { name: 'B', country: 'RU' },
        ],
      });
    const cases: Array<{ req: Req; allowed: number[]; what: string }> = [
      {
        req: { method: 'POST', path: '/api/import', body: line('meeting'), headers: { 'content-type': 'application/json' } },
        allowed: [415],
        what: 'application/json',
      },
      {
        req: { method: 'POST', path: '/api/import', body: line('meeting'), headers: { 'content-type': 'text/plain' } },
        allowed: [415],
        what: 'text/plain',
      },
      { req: { method: 'POST', path: '/api/import', body: line('meeting') }, allowed: [415], what: 'no content-type' },
      {
        req: { method: 'POST', path: '/api/import', body: line('meeting'), headers: { 'content-type': 'application/x-ndjsonx' } },
        allowed: [415],
        what: 'application/x-ndjsonx',
      },
      { req: ndjson(`{"kind":"meeting","title":"${'x'.repeat(MIB + 100)}"}`), allowed: [413], what: 'one line over 1 MiB' },
      {
        req: ndjson(`${line('meeting')}\n${' '.repeat(MIB + 100)}\n${line('meeting')}`),
        allowed: [413],
        what: 'a body over 1 MiB with two valid lines',
      },
      { req: { ...ndjson(line('meeting')), body: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) }, allowed: [200, 400], what: 'invalid UTF-8' },
    ];
    for (const { req, allowed, what } of cases) {
      await checkWrite(
        target,
        `POST /api/import (${what})`,
        req,
        { verdict: 'invalid', why: [`✗ ${what}`] },
        { allowed, developmentRead: false },
      );
    }
    target.findings.assertNone('import media types and sizes');
  });
});
