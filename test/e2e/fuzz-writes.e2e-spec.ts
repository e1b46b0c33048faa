/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "target.findings.assertNone"] }] -- Findings.assertNone asserts */
/**
 * Hardening: generated hostile bodies against every development kind and POST /api/organizations.
 * Each test collects every distinct contract violation of its generated requests and fails with all of them.
 */
import {
  applyMutation,
  checkServiceHealthy,
  checkWrite,
  describeMutation,
  fc,
  Findings,
  fuzz,
  hostileRawArb,
  hostileValueArb,
  judgeBody,
  judgeOrganization,
  KINDS,
  MIB,
  mutationArb,
  ORG_TOKEN,
  PATHS,
  prepare,
  show,
  substitute,
  Target,
  jsonReq,
  toJson,
  validBodyArb,
  type Judged,
  type Kind,
  type Req,
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

const mutationCase = (kind: Kind) => validBodyArb(kind).chain((base) => mutationArb(base).map((mutation) => ({ base, mutation })));

describe('POST /api/developments/* with generated bodies', () => {
  it('records valid generated bodies of every kind: 201, one event at the answered position, served by the views', async () => {
    for (const [i, kind] of KINDS.entries()) {
      await fuzz(
        validBodyArb(kind),
        20,
        async (generated) => {
          const { base } = await prepare(target, kind, generated);
          const text = toJson(base);
          const judged = judgeBody(kind, JSON.parse(text), target.organizations);
          if (judged.verdict !== 'valid')
            throw new Error(`generator bug: ${kind} ${text} judged ${judged.verdict}: ${judged.why.join('; ')}`);
          const { reply, events } = await checkWrite(
            target,
            `POST /api/developments/* (valid ${kind})`,
            jsonReq(PATHS[kind], text),
            judged,
            {
              allowed: [201],
            },
          );
          if (reply.status === 201 && events.length === 1) {
            const data = events[0]!.data;
            if (data.title !== base.title)
              target.findings.add(
                `valid ${kind}: the recorded title differs from the one sent`,
                `${show(base.title)} → ${show(data.title)}`,
              );
            if (data.developmentId !== reply.json.developmentId)
              target.findings.add(`valid ${kind}: event data names another developmentId`, text);
          }
        },
        i,
      );
    }
    await checkServiceHealthy(target);
    target.findings.assertNone('valid generated bodies');
  });

  it('answers a 400 problem (or 409/422 where the contract says so) to valid bodies with one field corrupted, appending nothing', async () => {
    for (const [i, kind] of KINDS.entries()) {
      await fuzz(
        mutationCase(kind),
        80,
        async ({ base: generated, mutation }) => {
          const { base } = await prepare(target, kind, generated);
          const text = toJson(applyMutation(base, mutation));
          const judged = judgeBody(kind, JSON.parse(text), target.organizations);
          await checkWrite(target, 'POST /api/developments/*', jsonReq(PATHS[kind], text), judged, {
            note: `mutation: ${describeMutation(mutation)}`,
          });
        },
        100 + i,
      );
    }
    await checkServiceHealthy(target);
    target.findings.assertNone('mutated bodies');
  });

  it('refuses whole hostile bodies (wrong JSON shapes, text, bytes, media types, prototype keys, huge and deep) with problems', async () => {
    const bodyArb = fc.oneof(
      { weight: 3, arbitrary: hostileRawArb },
      {
        weight: 3,
        arbitrary: hostileValueArb.map((value) => ({
          body: toJson(value),
          contentType: 'application/json',
          json: true,
          label: 'hostile JSON value',
        })),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(MIB - 4096, MIB - 64, MIB + 1, MIB + 4096).map((size) => {
          const head = '{"occurredOn":"2024","title":"padding","pad":"';
          return {
            body: `${head}${'x'.repeat(size - head.length - 2)}"}`,
            contentType: 'application/json',
            json: true,
            label: `${size} bytes`,
          };
        }),
      },
    );
    await fuzz(
      fc.tuple(fc.constantFrom(...KINDS), bodyArb),
      180,
      async ([kind, raw]) => {
        const req: Req = {
          method: 'POST',
          path: PATHS[kind],
          body: raw.body,
          headers: raw.contentType ? { 'content-type': raw.contentType } : {},
        };
        let judged: Judged = { verdict: 'invalid', why: [raw.label] };
        if (raw.json && typeof raw.body === 'string') {
          try {
            judged = judgeBody(kind, JSON.parse(raw.body), target.organizations);
          } catch {
            judged = { verdict: 'invalid', why: ['not JSON'] };
          }
        }
        const allowed = raw.json ? undefined : [400, 415];
        await checkWrite(target, 'POST /api/developments/* (hostile body)', req, judged, allowed ? { allowed } : {});
      },
      200,
    );
    await checkServiceHealthy(target);
    target.findings.assertNone('hostile bodies');
  });

  it('appends nothing at all for a batch of refused bodies (event count before = after)', async () => {
    const known = target.organizations;
    const invalidCase = fc
      .constantFrom(...KINDS)
      .chain((kind) => mutationCase(kind).map((c) => ({ kind, ...c })))
      .map(({ kind, base, mutation }) => {
        const text = toJson(applyMutation(substitute(base, ORG_TOKEN, 'SCO') as Record<string, unknown>, mutation));
        return { kind, text, mutation, judged: judgeBody(kind, JSON.parse(text), known) };
      })
      .filter(({ judged }) => judged.verdict === 'invalid');
    const restarts = target.restarts;
    const before = await target.eventCount();
    await fuzz(
      invalidCase,
      150,
      async ({ kind, text, mutation, judged }) => {
        await checkWrite(target, 'POST /api/developments/* (refused batch)', jsonReq(PATHS[kind], text), judged, {
          note: `mutation: ${describeMutation(mutation)}`,
        });
      },
      300,
    );
    const after = await target.eventCount();
    if (target.restarts === restarts && after !== before)
      target.findings.add(`a batch of refused bodies changed the log: ${before} events before, ${after} after`, '(whole batch)');
    await checkServiceHealthy(target);
    target.findings.assertNone('refused batch');
  });
});

describe('POST /api/organizations with generated bodies', () => {
  it('registers valid organizations and refuses corrupted ones with problems', async () => {
    const code = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{1,15}$/);
    const valid = fc.record(
      {
        code,
        name: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => !/\p{Cc}/u.test(s)),
        wikidataId: fc.integer({ min: 1, max: 1e9 }).map((n) => `Q${n}`),
      },
      { requiredKeys: ['code', 'name'] },
    );
    const bodyArb = fc.oneof(
      { weight: 2, arbitrary: valid.map((body): { body: unknown; note: string } => ({ body, note: 'valid' })) },
      {
        weight: 5,
        arbitrary: valid.chain((body) =>
          mutationArb(body).map((m) => ({ body: applyMutation(body, m), note: `mutation: ${describeMutation(m)}` })),
        ),
      },
      { weight: 1, arbitrary: hostileValueArb.map((body) => ({ body, note: 'hostile value' })) },
    );
    await fuzz(
      bodyArb,
      150,
      async ({ body, note }) => {
        const text = toJson(body);
        const judged = judgeOrganization(JSON.parse(text));
        const { reply } = await checkWrite(target, 'POST /api/organizations', jsonReq('/api/organizations', text), judged, {
          developmentRead: false,
          note,
        });
        if (reply.status === 201) {
          const registered = String(reply.json?.stream ?? '').replace(/^organization-/, '');
          target.organizations.add(registered);
          const read = await target.send({
            method: 'GET',
            path: `/api/organizations/${encodeURIComponent(registered)}?minPosition=${reply.json.position}`,
          });
          if (read.status !== 200)
            target.findings.add(
              `registered organization not served: GET /api/organizations/{code} → ${read.status}`,
              `${text} → ${read.text.slice(0, 200)}`,
            );
        }
      },
      400,
    );
    await checkServiceHealthy(target);
    target.findings.assertNone('organizations');
  });
});
