/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import {
  approval,
  ending,
  eventCount,
  eventsOfDevelopment,
  expectNothingAppended,
  expectProblem,
  expectWriteAnswer,
  freshOrganization,
  handover,
  meeting,
  PATHS,
  peaceSummit,
  randomUUID,
  summit,
} from './support-writes';

type Kind = keyof typeof PATHS;

describe('idempotent writes with a client id', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  /** A body of each kind on its own fresh organization, so that the kinds do not meet each other's invariants. */
  async function bodyOf(kind: Kind, id: string): Promise<Record<string, unknown>> {
    const organization = kind === 'meeting' || kind === 'peace-summit' ? undefined : await freshOrganization(app);
    switch (kind) {
      case 'meeting':
        return meeting({ id });
      case 'peace-summit':
        return peaceSummit({ id });
      case 'summit':
        return summit({ id, organization });
      case 'membership-approval':
        return approval({ id, organization });
      case 'membership-ending': {
        expect((await app.call('POST', PATHS['membership-approval'], approval({ organization, occurredOn: '2020' }))).status).toBe(201);
        return ending({ id, organization });
      }
      case 'presidency-handover':
        return handover({ id, organization });
    }
  }

  const KINDS = Object.keys(PATHS) as Kind[];

  it.each(KINDS)('answers a retried %s with the same id and content with 200 and the original answer, appending nothing', async (kind) => {
    const id = randomUUID();
    const body = await bodyOf(kind, id);
    const first = await app.call('POST', PATHS[kind], body);
    expectWriteAnswer(first, 201, kind);
    expect(first.json.developmentId).toBe(id);
    const retry = await expectNothingAppended(app, () => app.call('POST', PATHS[kind], body));
    expectWriteAnswer(retry, 200, kind);
    expect(retry.json).toEqual(first.json);
    expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
  });

  it.each(KINDS)(
    'answers 409 IDEMPOTENCY_CONFLICT for a %s retried with the same id and other content, appending nothing',
    async (kind) => {
      const id = randomUUID();
      const body = await bodyOf(kind, id);
      expectWriteAnswer(await app.call('POST', PATHS[kind], body), 201, kind);
      const other = { ...body, title: `${String(body.title)} (other)` };
      const response = await expectNothingAppended(app, () => app.call('POST', PATHS[kind], other));
      expectProblem(response, 409, 'IDEMPOTENCY_CONFLICT');
      const [event] = await eventsOfDevelopment(app, id);
      expect(event!.data.title).toBe(body.title);
    },
  );

  it('answers 409 IDEMPOTENCY_CONFLICT when only an optional field is added on retry', async () => {
    const id = randomUUID();
    expectWriteAnswer(await app.call('POST', PATHS.meeting, meeting({ id })), 201, 'meeting');
    const response = await expectNothingAppended(app, () =>
      app.call('POST', PATHS.meeting, meeting({ id, summary: 'Now with a summary' })),
    );
    expectProblem(response, 409, 'IDEMPOTENCY_CONFLICT');
  });

  it('keeps answering the original result after other writes moved the organization stream on', async () => {
    const organization = await freshOrganization(app);
    const id = randomUUID();
    const body = summit({ id, organization });
    const first = await app.call('POST', PATHS.summit, body);
    expectWriteAnswer(first, 201, 'summit');
    for (const occurredOn of ['2025-01', '2025-02', '2025-03']) {
      expectWriteAnswer(await app.call('POST', PATHS.summit, summit({ organization, occurredOn, endsOn: undefined })), 201, 'summit');
    }
    const retry = await expectNothingAppended(app, () => app.call('POST', PATHS.summit, body));
    expectWriteAnswer(retry, 200, 'summit');
    expect(retry.json).toEqual(first.json);
  });

  it('treats the same content written differently (alpha-3, lower case, other key order) as the same content', async () => {
    const organization = await freshOrganization(app);
    const id = randomUUID();
    const first = await app.call('POST', PATHS['membership-approval'], {
      id,
      organization,
      country: 'BY',
      occurredOn: '2024-07-04',
      title: 'Admitted',
      status: 'member',
    });
    expectWriteAnswer(first, 201, 'membership-approval');
    const retry = await expectNothingAppended(app, () =>
      app.call('POST', PATHS['membership-approval'], {
        title: 'Admitted',
        occurredOn: '2024-07-04',
        country: 'blr',
        organization: organization.toLowerCase(),
        id,
      }),
    );
    expectWriteAnswer(retry, 200, 'membership-approval');
    expect(retry.json).toEqual(first.json);
  });

  it('answers a retry of a corrected development with the original answer', async () => {
    const id = randomUUID();
    const body = meeting({ id });
    const first = await app.call('POST', PATHS.meeting, body);
    expect(
      (await app.call('POST', `/api/developments/${id}/corrections`, { changes: { title: 'Corrected title' }, reason: 'typo' })).status,
    ).toBe(201);
    const retry = await expectNothingAppended(app, () => app.call('POST', PATHS.meeting, body));
    expectWriteAnswer(retry, 200, 'meeting');
    expect(retry.json).toEqual(first.json);
  });

  describe('an id reused for another development', () => {
    it.each([
      ['a meeting id for a peace summit', 'meeting', 'peace-summit'],
      ['a meeting id for a summit', 'meeting', 'summit'],
      ['a summit id for a meeting', 'summit', 'meeting'],
      ['a summit id for a membership approval in the same organization', 'summit', 'membership-approval'],
      ['an approval id for a presidency handover', 'membership-approval', 'presidency-handover'],
      ['a peace summit id for a membership approval', 'peace-summit', 'membership-approval'],
    ] as const)('answers 409 IDEMPOTENCY_CONFLICT for %s and appends nothing', async (_name, firstKind, secondKind) => {
      const id = randomUUID();
      const organization = await freshOrganization(app);
      const bodies: Record<Kind, () => Record<string, unknown>> = {
        meeting: () => meeting({ id }),
        'peace-summit': () => peaceSummit({ id }),
        summit: () => summit({ id, organization }),
        'membership-approval': () => approval({ id, organization }),
        'membership-ending': () => ending({ id, organization }),
        'presidency-handover': () => handover({ id, organization }),
      };
      expectWriteAnswer(await app.call('POST', PATHS[firstKind], bodies[firstKind]()), 201, firstKind);
      const response = await expectNothingAppended(app, () => app.call('POST', PATHS[secondKind], bodies[secondKind]()));
      expectProblem(response, 409, 'IDEMPOTENCY_CONFLICT');
      expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
    });

    it('answers 409 IDEMPOTENCY_CONFLICT for the same approval id used in another organization', async () => {
      const id = randomUUID();
      const [first, second] = [await freshOrganization(app), await freshOrganization(app)];
      expectWriteAnswer(
        await app.call('POST', PATHS['membership-approval'], approval({ id, organization: first })),
        201,
        'membership-approval',
      );
      const response = await expectNothingAppended(app, () =>
        app.call('POST', PATHS['membership-approval'], approval({ id, organization: second })),
      );
      expectProblem(response, 409, 'IDEMPOTENCY_CONFLICT');
    });

    it('answers 409 IDEMPOTENCY_CONFLICT for the id of a registered organization', async () => {
      const registered = await app.call('POST', '/api/organizations', { code: 'IDTEST', name: 'Id test' });
      expect(registered.status).toBe(201);
      const response = await expectNothingAppended(app, () =>
        app.call('POST', PATHS.summit, summit({ id: registered.json.developmentId, organization: 'IDTEST' })),
      );
      expectProblem(response, 409, 'IDEMPOTENCY_CONFLICT');
    });
  });

  it('does not reserve an id for a request that failed', async () => {
    const organization = await freshOrganization(app);
    expectWriteAnswer(await app.call('POST', PATHS['membership-approval'], approval({ organization })), 201, 'membership-approval');
    const id = randomUUID();
    expectProblem(await app.call('POST', PATHS['membership-approval'], approval({ id, organization })), 409, 'MEMBERSHIP_ALREADY_ACTIVE');
    expectProblem(await app.call('POST', PATHS.meeting, meeting({ id, title: '' })), 400, 'VALIDATION_FAILED');
    expectWriteAnswer(await app.call('POST', PATHS.meeting, meeting({ id })), 201, 'meeting');
  });

  it('treats an upper-case UUID as the same id as its lower-case form', async () => {
    const id = randomUUID();
    const first = await app.call('POST', PATHS.meeting, meeting({ id: id.toUpperCase() }));
    expect([201]).toContain(first.status);
    const retry = await app.call('POST', PATHS.meeting, meeting({ id }));
    expect({ status: retry.status, text: retry.text }).toEqual({ status: 200, text: retry.text });
    expect(retry.json.eventId).toBe(first.json.eventId);
    expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
  });

  it('answers an org-scoped development recorded with an upper-case id under its lower-case id too', async () => {
    const id = randomUUID();
    const organization = await freshOrganization(app);
    expect((await app.call('POST', PATHS.summit, summit({ id: id.toUpperCase(), organization }))).status).toBe(201);
    const correction = await app.call('POST', `/api/developments/${id}/corrections`, {
      changes: { title: 'Lower-case id' },
      reason: 'check',
    });
    expect({ status: correction.status, text: correction.text }).toEqual({ status: 201, text: correction.text });
  });

  describe('concurrent retries', () => {
    it.each([
      ['a meeting (own stream)', 'meeting'],
      ['a summit (organization stream)', 'summit'],
      ['a membership approval (organization stream)', 'membership-approval'],
    ] as const)('of %s with one id: exactly one 201, nine 200 with the same answer, one event', async (_name, kind) => {
      const id = randomUUID();
      const body = await bodyOf(kind, id);
      const before = await eventCount(app);
      const responses = await Promise.all(Array.from({ length: 10 }, () => app.call('POST', PATHS[kind], body)));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const created = responses.find((r) => r.status === 201)!;
      for (const response of responses) expect(response.json).toEqual(created.json);
      expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
      expect(await eventCount(app)).toBe(before + 1);
    });

    it('of one id with two different contents: one 201 and the other 409 IDEMPOTENCY_CONFLICT', async () => {
      const id = randomUUID();
      const responses = await Promise.all([
        app.call('POST', PATHS.meeting, meeting({ id, title: 'Version A' })),
        app.call('POST', PATHS.meeting, meeting({ id, title: 'Version B' })),
      ]);
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409]);
      expectProblem(
        responses.find((r) => r.status === 409)!,
        409,
        'IDEMPOTENCY_CONFLICT',
      );
      expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
    });

    it('of one id in two organizations at once: one 201 and one 409 IDEMPOTENCY_CONFLICT (never a 500)', async () => {
      const [first, second] = [await freshOrganization(app), await freshOrganization(app)];
      const id = randomUUID();
      const responses = await Promise.all([
        app.call('POST', PATHS.summit, summit({ id, organization: first })),
        app.call('POST', PATHS.summit, summit({ id, organization: second })),
      ]);
      expect(responses.map((r) => `${r.status} ${r.json?.code ?? ''}`.trim()).sort()).toEqual(['201', '409 IDEMPOTENCY_CONFLICT']);
      expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
    });

    it('of one id as a summit and as a meeting at once: one 201 and one 409 IDEMPOTENCY_CONFLICT (never a 500)', async () => {
      const organization = await freshOrganization(app);
      const id = randomUUID();
      const responses = await Promise.all([
        app.call('POST', PATHS.summit, summit({ id, organization })),
        app.call('POST', PATHS.meeting, meeting({ id })),
      ]);
      expect(responses.map((r) => `${r.status} ${r.json?.code ?? ''}`.trim()).sort()).toEqual(['201', '409 IDEMPOTENCY_CONFLICT']);
      expect(await eventsOfDevelopment(app, id)).toHaveLength(1);
    });
  });
});
