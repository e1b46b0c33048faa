/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import {
  approval,
  ending,
  eventsOfDevelopment,
  expectNothingAppended,
  expectProblem,
  expectValidationFailed,
  expectWriteAnswer,
  freshOrganization,
  handover,
  meeting,
  PATHS,
  peaceSummit,
  randomUUID,
  summit,
  UUID,
} from './support-writes';

const correct = (id: string) => `/api/developments/${id}/corrections`;
const retract = (id: string) => `/api/developments/${id}/retraction`;

describe('corrections and retractions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  async function record(path: string, body: Record<string, unknown>) {
    const response = await app.call('POST', path, body);
    expect({ status: response.status, text: response.text }).toEqual({ status: 201, text: response.text });
    return response.json as { developmentId: string; stream: string; position: string; eventId: string };
  }

  async function details(id: string, minPosition: string) {
    const response = await app.call('GET', `/api/developments/${id}?minPosition=${minPosition}`);
    expect({ status: response.status, text: response.text }).toEqual({ status: 200, text: response.text });
    return response.json;
  }

  it('corrects a meeting: 201, a DevelopmentCorrected event on its stream, corrected fields and a history of two, oldest first', async () => {
    const written = await record(PATHS.meeting, meeting());
    const response = await app.call('POST', correct(written.developmentId), {
      changes: {
        title: 'Xi and Putin meet on the sidelines in Astana',
        participants: [
          { name: 'Xi Jinping', country: 'chn' },
          { name: 'Vladimir Putin', country: 'RUS' },
          { name: 'Kassym-Jomart Tokayev', country: 'kz' },
        ],
      },
      reason: 'A third leader joined',
      sources: [{ url: 'https://tass.com/world/1811995', publisher: 'TASS' }],
    });
    expectWriteAnswer(response, 201, 'meeting');
    expect(response.json.developmentId).toBe(written.developmentId);
    expect(response.json.stream).toBe(written.stream);
    expect(response.json.eventId).not.toBe(written.eventId);

    const events = await eventsOfDevelopment(app, written.developmentId);
    expect(events.map((e) => [e.type, e.stream])).toEqual([
      ['MeetingHeld', written.stream],
      ['DevelopmentCorrected', written.stream],
    ]);
    expect(events[1]!.metadata).toEqual(
      expect.objectContaining({
        eventId: response.json.eventId,
        actor: 'anonymous',
        recordedAt: expect.any(String),
        correlationId: expect.any(String),
        causationId: expect.any(String),
        schemaVersion: expect.any(Number),
      }),
    );
    expect(events[1]!.data.changes.participants.map((p: { country: string }) => p.country)).toEqual(['CN', 'RU', 'KZ']);

    const current = await details(written.developmentId, response.json.position);
    expect(current.title).toBe('Xi and Putin meet on the sidelines in Astana');
    expect(current.participants.map((p: { country: string }) => p.country)).toEqual(['CN', 'RU', 'KZ']);
    expect(current.occurredOn).toBe('2024-07-03');
    expect(current.corrected).toBe(true);
    expect(current.retracted).toBe(false);
    expect(current.history).toHaveLength(2);
    expect(current.history.map((h: { type: string }) => h.type)).toEqual(['MeetingHeld', 'DevelopmentCorrected']);
    expect(current.history.map((h: { eventId: string }) => h.eventId)).toEqual([written.eventId, response.json.eventId]);
    for (const entry of current.history) {
      expect(entry).toEqual(
        expect.objectContaining({
          eventId: expect.stringMatching(UUID),
          type: expect.any(String),
          recordedAt: expect.any(String),
          position: expect.any(String),
          data: expect.any(Object),
        }),
      );
    }
    expect(BigInt(current.history[0].position) < BigInt(current.history[1].position)).toBe(true);
  });

  it('corrects a summit recorded a moment ago on its own stream (the service finds its stream without waiting for the client)', async () => {
    const organization = await freshOrganization(app);
    const written = await app.call('POST', PATHS.summit, summit({ organization }));
    const response = await app.call('POST', correct(written.json.developmentId), { changes: { host: 'uzb' }, reason: 'Wrong host' });
    expectWriteAnswer(response, 201, 'summit');
    expect(response.json.stream).toBe(`development-${written.json.developmentId}`);
    const current = await details(written.json.developmentId, response.json.position);
    expect(current.host).toBe('UZ');
    expect(current.history).toHaveLength(2);
  });

  it('corrects each org-scoped kind right after recording it', async () => {
    const organization = await freshOrganization(app);
    for (const [path, body] of [
      [PATHS['membership-approval'], approval({ organization })],
      [PATHS['membership-ending'], ending({ organization })],
      // Belarus is a member on that day: a presidency goes to a full member.
      [PATHS['presidency-handover'], handover({ organization, from: undefined, to: 'BY' })],
    ] as const) {
      const written = await record(path, body);
      const response = await app.call('POST', correct(written.developmentId), { changes: { title: 'Corrected title' }, reason: 'wording' });
      expect({ status: response.status, text: response.text }).toEqual({ status: 201, text: response.text });
      expect(response.json.stream).toBe(`organization-${organization}`);
    }
  });

  it('corrects a peace summit and normalises corrected countries', async () => {
    const written = await record(PATHS['peace-summit'], peaceSummit());
    const response = await app.call('POST', correct(written.developmentId), {
      changes: { attendees: ['ukr', 'USA', 'de', 'IN'] },
      reason: 'India attended',
    });
    expectWriteAnswer(response, 201, 'peace-summit');
    expect((await details(written.developmentId, response.json.position)).attendees).toEqual(['UA', 'US', 'DE', 'IN']);
  });

  describe('changes are validated like the original fields', () => {
    let meetingId: string;
    let summitId: string;
    let approvalId: string;
    beforeAll(async () => {
      meetingId = (await record(PATHS.meeting, meeting())).developmentId;
      summitId = (await record(PATHS.summit, summit({ organization: 'GCC', host: 'QA' }))).developmentId;
      approvalId = (await record(PATHS['membership-approval'], approval({ organization: 'GCC', country: 'YE' }))).developmentId;
    });

    it.each([
      [
        'a bad participant country',
        'meeting',
        {
          participants: [
            { name: 'A', country: 'XX' },
            { name: 'B', country: 'RU' },
          ],
        },
      ],
      ['a single participant', 'meeting', { participants: [{ name: 'A', country: 'CN' }] }],
      ['a calendar-invalid occurredOn', 'meeting', { occurredOn: '2024-02-30' }],
      ['an occurredOn after the endsOn', 'summit', { occurredOn: '2024-08-01' }],
      ['an empty title', 'meeting', { title: '' }],
      ['a 201-character title', 'summit', { title: 'x'.repeat(201) }],
      ['a bad host', 'summit', { host: 'ZZZ' }],
      ['a bad source url', 'summit', { sources: [{ url: 'javascript:alert(1)' }] }],
      ['an unknown field', 'meeting', { mood: 'cordial' }],
      ['an unknown nested field', 'meeting', { location: { city: 'Astana', street: 'Main' } }],
      ['a field of another kind', 'meeting', { host: 'KZ' }],
      ['a bad status', 'approval', { status: 'ally' }],
      ['a bad country', 'approval', { country: '123' }],
      ['empty changes', 'meeting', {}],
      ['a new organization for a summit', 'summit', { organization: 'SCO' }],
      ['a new organization for an approval', 'approval', { organization: 'SCO' }],
      ['a new id', 'meeting', { id: randomUUID() }],
    ] as const)('answers 400 VALIDATION_FAILED for %s and appends nothing', async (_name, target, changes) => {
      const id = target === 'meeting' ? meetingId : target === 'summit' ? summitId : approvalId;
      const response = await expectNothingAppended(app, () => app.call('POST', correct(id), { changes, reason: 'test' }));
      expectValidationFailed(response);
    });

    it.each([
      ['no changes', { reason: 'x' }],
      ['changes that are not an object', { changes: 'title', reason: 'x' }],
      ['changes that are an array', { changes: [{ title: 'x' }], reason: 'x' }],
      ['no reason', { changes: { title: 'x' } }],
      ['an empty reason', { changes: { title: 'x' }, reason: '' }],
      ['an unknown field beside changes', { changes: { title: 'x' }, reason: 'x', by: 'me' }],
      ['a source without url and publisher', { changes: { title: 'x' }, reason: 'x', sources: [{ title: 'somewhere' }] }],
    ])('answers 400 VALIDATION_FAILED for a correction with %s and appends nothing', async (_name, body) => {
      const response = await expectNothingAppended(app, () => app.call('POST', correct(meetingId), body));
      expectValidationFailed(response);
    });

    it('answers 400 for a retraction without a reason and appends nothing', async () => {
      const response = await expectNothingAppended(app, () => app.call('POST', retract(meetingId), {}));
      expectValidationFailed(response);
    });
  });

  it('re-checks invariants when an approval effectiveOn is corrected: 409 where it would overlap another approval', async () => {
    const organization = await freshOrganization(app);
    await record(PATHS['membership-approval'], approval({ organization, country: 'BY', occurredOn: '2010', title: 'first approval' }));
    await record(PATHS['membership-ending'], ending({ organization, country: 'BY', occurredOn: '2015' }));
    const second = await record(
      PATHS['membership-approval'],
      approval({ organization, country: 'BY', occurredOn: '2020', title: 'second approval' }),
    );
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct(second.developmentId), { changes: { effectiveOn: '2012' }, reason: 'earlier' }),
    );
    expectProblem(response, 409, 'MEMBERSHIP_ALREADY_ACTIVE');
    const fine = await app.call('POST', correct(second.developmentId), {
      changes: { effectiveOn: '2016-03' },
      reason: 'earlier, but after the withdrawal',
    });
    expect({ status: fine.status, text: fine.text }).toEqual({ status: 201, text: fine.text });
  });

  it('re-checks invariants when the country of an approval is corrected', async () => {
    const organization = await freshOrganization(app);
    await record(PATHS['membership-approval'], approval({ organization, country: 'CN', occurredOn: '2001' }));
    const other = await record(PATHS['membership-approval'], approval({ organization, country: 'RU', occurredOn: '2001' }));
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct(other.developmentId), { changes: { country: 'CHN' }, reason: 'wrong country' }),
    );
    expectProblem(response, 409, 'MEMBERSHIP_ALREADY_ACTIVE');
  });

  it('re-checks invariants when the country of an ending is corrected', async () => {
    const organization = await freshOrganization(app);
    await record(PATHS['membership-approval'], approval({ organization, country: 'BY', occurredOn: '2020' }));
    const ended = await record(PATHS['membership-ending'], ending({ organization, country: 'BY', occurredOn: '2022' }));
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct(ended.developmentId), { changes: { country: 'RU' }, reason: 'wrong country' }),
    );
    expectProblem(response, 409, 'MEMBERSHIP_NOT_ACTIVE');
  });

  it('never lets a correction give a meeting an unknown organization (422 UNKNOWN_ORGANIZATION, or 400)', async () => {
    const written = await record(PATHS.meeting, meeting({ organization: 'SCO' }));
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct(written.developmentId), { changes: { organization: 'NOPE' }, reason: 'x' }),
    );
    expect({ status: response.status, text: response.text }).toEqual({ status: response.status === 400 ? 400 : 422, text: response.text });
    expect(response.json.code).toBe(response.status === 400 ? 'VALIDATION_FAILED' : 'UNKNOWN_ORGANIZATION');
  });

  it('retracts: 201, then correcting or retracting again answers 409 DEVELOPMENT_RETRACTED and appends nothing', async () => {
    const written = await record(PATHS.summit, summit({ organization: 'AU', host: 'ET' }));
    const response = await app.call('POST', retract(written.developmentId), { reason: 'Never happened' });
    expectWriteAnswer(response, 201, 'summit');
    expect(response.json.stream).toBe(`development-${written.developmentId}`);
    const events = await eventsOfDevelopment(app, written.developmentId);
    expect(events.map((e) => e.type)).toEqual(['SummitHeld', 'DevelopmentRetracted']);

    expectProblem(
      await expectNothingAppended(app, () => app.call('POST', correct(written.developmentId), { changes: { title: 'x' }, reason: 'x' })),
      409,
      'DEVELOPMENT_RETRACTED',
    );
    expectProblem(
      await expectNothingAppended(app, () => app.call('POST', retract(written.developmentId), { reason: 'again' })),
      409,
      'DEVELOPMENT_RETRACTED',
    );

    const current = await details(written.developmentId, response.json.position);
    expect(current.retracted).toBe(true);
    expect(current.history.map((h: { type: string }) => h.type)).toEqual(['SummitHeld', 'DevelopmentRetracted']);
    const timeline = await app.call('GET', `/api/organizations/AU/timeline?minPosition=${response.json.position}`);
    expect(timeline.json.items.map((i: { developmentId: string }) => i.developmentId)).not.toContain(written.developmentId);
    const withRetracted = await app.call(
      'GET',
      `/api/organizations/AU/timeline?includeRetracted=true&minPosition=${response.json.position}`,
    );
    expect(withRetracted.json.items.map((i: { developmentId: string }) => i.developmentId)).toContain(written.developmentId);
  });

  it('retracts a standalone meeting, then refuses to correct it', async () => {
    const written = await record(PATHS.meeting, meeting());
    expectWriteAnswer(await app.call('POST', retract(written.developmentId), { reason: 'duplicate' }), 201, 'meeting');
    expectProblem(
      await app.call('POST', correct(written.developmentId), { changes: { title: 'x' }, reason: 'x' }),
      409,
      'DEVELOPMENT_RETRACTED',
    );
  });

  it('frees the membership of a retracted approval for a new approval', async () => {
    const organization = await freshOrganization(app);
    const wrong = await record(PATHS['membership-approval'], approval({ organization, country: 'IR', occurredOn: '2023-07-04' }));
    expectWriteAnswer(await app.call('POST', retract(wrong.developmentId), { reason: 'wrong date' }), 201, 'membership-approval');
    expect(
      (await app.call('POST', PATHS['membership-approval'], approval({ organization, country: 'IR', occurredOn: '2023-07-05' }))).status,
    ).toBe(201);
  });

  it.each([
    ['a correction', (id: string) => app.call('POST', correct(id), { changes: { title: 'x' }, reason: 'x' })],
    ['a retraction', (id: string) => app.call('POST', retract(id), { reason: 'x' })],
  ])('answers 404 DEVELOPMENT_NOT_FOUND for %s of an unknown id and appends nothing', async (_name, request) => {
    expectProblem(await expectNothingAppended(app, () => request(randomUUID())), 404, 'DEVELOPMENT_NOT_FOUND');
  });

  it('answers 404 (or 400), never 500, for a correction of an id that is not a UUID', async () => {
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct('not-a-uuid'), { changes: { title: 'x' }, reason: 'x' }),
    );
    expect([400, 404]).toContain(response.status);
    expect(response.headers.get('content-type') ?? '').toMatch(/^application\/problem\+json/);
  });

  it('answers 404 DEVELOPMENT_NOT_FOUND for the id of a registered organization', async () => {
    const registered = await app.call('POST', '/api/organizations', { code: 'CORRORG', name: 'Correction target' });
    const response = await expectNothingAppended(app, () =>
      app.call('POST', correct(registered.json.developmentId), { changes: { title: 'x' }, reason: 'x' }),
    );
    expectProblem(response, 404, 'DEVELOPMENT_NOT_FOUND');
  });
});
