/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import {
  allEvents,
  approval,
  ending,
  eventsOfDevelopment,
  expectNothingAppended,
  expectProblem,
  expectWriteAnswer,
  freshOrganization,
  handover,
  meeting,
  members,
  PATHS,
  peaceSummit,
  randomUUID,
  summit,
  UUID,
} from './support-writes';

describe('recording developments', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const cases = [
    { kind: 'meeting', type: 'MeetingHeld', body: () => meeting(), stream: (id: string) => `development-${id}` },
    {
      kind: 'summit',
      type: 'SummitHeld',
      body: () => summit({ organization: 'BRICS', host: 'RUS' }),
      stream: (id: string) => `development-${id}`,
    },
    {
      kind: 'membership-approval',
      type: 'MembershipApproved',
      body: () => approval({ organization: 'EAEU', country: 'arm' }),
      stream: () => 'organization-EAEU',
    },
    {
      kind: 'presidency-handover',
      type: 'PresidencyHandedOver',
      body: () => handover({ organization: 'G20' }),
      stream: () => 'organization-G20',
    },
    { kind: 'peace-summit', type: 'PeaceSummitHeld', body: () => peaceSummit(), stream: (id: string) => `development-${id}` },
  ] as const;

  it.each(cases)(
    'answers 201 for a $kind and appends one $type event to its stream with full metadata',
    async ({ kind, type, body, stream }) => {
      const started = Date.now();
      const response = await app.call('POST', PATHS[kind], body());
      expectWriteAnswer(response, 201, kind);
      const { developmentId, eventId, position, revision } = response.json;
      expect(response.json.stream).toBe(stream(developmentId));

      const events = await eventsOfDevelopment(app, developmentId);
      expect(events).toHaveLength(1);
      const [event] = events;
      expect(event).toEqual(expect.objectContaining({ type, eventId, stream: stream(developmentId), revision, position }));
      expect(event!.data.developmentId).toBe(developmentId);
      expect(event!.metadata).toEqual(
        expect.objectContaining({
          eventId,
          schemaVersion: expect.any(Number),
          recordedAt: expect.any(String),
          correlationId: expect.any(String),
          causationId: expect.any(String),
          actor: 'anonymous',
        }),
      );
      expect(event!.recordedAt).toBe(event!.metadata.recordedAt);
      const recordedAt = Date.parse(event!.metadata.recordedAt);
      expect(recordedAt).toBeGreaterThanOrEqual(started - 1000);
      expect(recordedAt).toBeLessThanOrEqual(Date.now() + 1000);
      expect(event!.metadata.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
    },
  );

  it('answers 201 for a membership ending with a MembershipEnded event on the organization stream', async () => {
    expectWriteAnswer(
      await app.call('POST', PATHS['membership-approval'], approval({ organization: 'CSTO', country: 'AM', occurredOn: '1994' })),
      201,
      'membership-approval',
    );
    const response = await app.call(
      'POST',
      PATHS['membership-ending'],
      ending({ organization: 'csto', country: 'ARM', occurredOn: '2024-06' }),
    );
    expectWriteAnswer(response, 201, 'membership-ending');
    expect(response.json.stream).toBe('organization-CSTO');
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event).toEqual(
      expect.objectContaining({ type: 'MembershipEnded', stream: 'organization-CSTO', eventId: response.json.eventId }),
    );
    expect(event!.data).toEqual(
      expect.objectContaining({ organization: 'CSTO', country: 'AM', reason: 'withdrawal', occurredOn: '2024-06' }),
    );
    expect(event!.metadata.actor).toBe('anonymous');
  });

  it('uses the client id as the development id', async () => {
    const id = randomUUID();
    const response = await app.call('POST', PATHS.meeting, meeting({ id }));
    expectWriteAnswer(response, 201, 'meeting');
    expect(response.json.developmentId).toBe(id);
    expect(response.json.stream).toBe(`development-${id}`);
  });

  it('normalises alpha-3 and lower-case countries to alpha-2 upper case in the event', async () => {
    const response = await app.call('POST', PATHS.meeting, meeting());
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data.participants.map((p: { country: string }) => p.country)).toEqual(['CN', 'RU']);
    expect(event!.data.location).toEqual({ city: 'Astana', country: 'KZ' });

    const peace = await app.call('POST', PATHS['peace-summit'], peaceSummit());
    const [peaceEvent] = await eventsOfDevelopment(app, peace.json.developmentId);
    expect(peaceEvent!.data.host).toBe('CH');
    expect(peaceEvent!.data.attendees).toEqual(['UA', 'US', 'DE']);
    expect(peaceEvent!.data.absentees).toEqual([
      { country: 'RU', reason: 'not-invited' },
      { country: 'CN', reason: 'declined' },
    ]);
  });

  it('keeps partial dates as given, without padding', async () => {
    const response = await app.call(
      'POST',
      PATHS.summit,
      summit({ organization: 'ASEAN', host: 'LAO', occurredOn: '2024-10', endsOn: '2024' }),
    );
    expectWriteAnswer(response, 201, 'summit');
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data.occurredOn).toBe('2024-10');
    expect(event!.data.endsOn).toBe('2024');
  });

  it('treats organization codes case-insensitively, in bodies and for the stream', async () => {
    const response = await app.call('POST', PATHS.summit, summit({ organization: 'sco', host: 'kaz' }));
    expectWriteAnswer(response, 201, 'summit');
    expect(response.json.stream).toBe(`development-${response.json.developmentId}`);
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data.organization).toBe('SCO');
    expect(event!.data.host).toBe('KZ');
  });

  it('defaults the status of a membership approval to member', async () => {
    const response = await app.call(
      'POST',
      PATHS['membership-approval'],
      approval({ organization: 'Brics', country: 'egy', occurredOn: '2024-01-01' }),
    );
    expectWriteAnswer(response, 201, 'membership-approval');
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data).toEqual(expect.objectContaining({ organization: 'BRICS', country: 'EG', status: 'member' }));
    const list = await members(app, 'BRICS', '2024-06-01', response.json.position);
    expect(list).toEqual([expect.objectContaining({ country: 'EG', status: 'member', since: '2024-01-01' })]);
  });

  it('keeps an explicit non-default membership status', async () => {
    const response = await app.call(
      'POST',
      PATHS['membership-approval'],
      approval({ organization: 'ASEAN', country: 'TLS', status: 'observer', occurredOn: '2022-11-11' }),
    );
    expectWriteAnswer(response, 201, 'membership-approval');
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data).toEqual(expect.objectContaining({ country: 'TL', status: 'observer' }));
  });

  it('records a meeting on the occasion of an organization on its own stream, linked to that organization', async () => {
    const response = await app.call('POST', PATHS.meeting, meeting({ organization: 'sco' }));
    expectWriteAnswer(response, 201, 'meeting');
    expect(response.json.stream).toBe(`development-${response.json.developmentId}`);
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.data.organization).toBe('SCO');
    const timeline = await app.call('GET', `/api/organizations/SCO/timeline?kind=meeting&minPosition=${response.json.position}`);
    expect(timeline.status).toBe(200);
    expect(timeline.json.items.map((i: { developmentId: string }) => i.developmentId)).toContain(response.json.developmentId);
  });

  it('gives every write a distinct event id and increasing positions and stream revisions', async () => {
    const organization = await freshOrganization(app);
    const first = await app.call('POST', PATHS['membership-approval'], approval({ organization, country: 'MT', occurredOn: '2024-12-05' }));
    const second = await app.call(
      'POST',
      PATHS['membership-approval'],
      approval({ organization, country: 'FI', occurredOn: '2025-12-04' }),
    );
    expectWriteAnswer(first, 201, 'membership-approval');
    expectWriteAnswer(second, 201, 'membership-approval');
    expect(second.json.eventId).not.toBe(first.json.eventId);
    expect(second.json.developmentId).not.toBe(first.json.developmentId);
    expect(second.json.revision).toBe(first.json.revision + 1);
    const events = await allEvents(app);
    const index = (eventId: string) => events.findIndex((e) => e.eventId === eventId);
    expect(index(second.json.eventId)).toBeGreaterThan(index(first.json.eventId));
  });

  it('carries the correlation id header into the metadata', async () => {
    const response = await app.call('POST', PATHS.meeting, meeting(), { 'x-correlation-id': 'corr-writes-1' });
    expectWriteAnswer(response, 201, 'meeting');
    const [event] = await eventsOfDevelopment(app, response.json.developmentId);
    expect(event!.metadata.correlationId).toBe('corr-writes-1');
  });

  describe('organizations', () => {
    it('registers a new organization with 201 and an OrganizationRegistered event', async () => {
      const response = await app.call('POST', '/api/organizations', {
        code: 'quad',
        name: 'Quadrilateral Security Dialogue',
        wikidataId: 'Q1188553',
      });
      expect({ status: response.status, text: response.text }).toEqual({ status: 201, text: response.text });
      expect(response.json).toEqual(
        expect.objectContaining({ stream: 'organization-QUAD', eventId: expect.stringMatching(UUID), position: expect.any(String) }),
      );
      const events = (await allEvents(app)).filter((e) => e.stream === 'organization-QUAD');
      expect(events).toHaveLength(1);
      expect(events[0]).toEqual(expect.objectContaining({ type: 'OrganizationRegistered', eventId: response.json.eventId }));
      expect(events[0]!.data).toEqual(
        expect.objectContaining({ code: 'QUAD', name: 'Quadrilateral Security Dialogue', wikidataId: 'Q1188553' }),
      );
      expect(events[0]!.metadata.actor).toBe('anonymous');
      const read = await app.call('GET', `/api/organizations/quad?minPosition=${response.json.position}`);
      expect(read.status).toBe(200);
      expect(read.json).toEqual(expect.objectContaining({ code: 'QUAD', name: 'Quadrilateral Security Dialogue', wikidataId: 'Q1188553' }));
    });

    it('answers 409 ORGANIZATION_EXISTS for an existing code, in any case, and appends nothing', async () => {
      const code = await freshOrganization(app);
      const again = await expectNothingAppended(app, () =>
        app.call('POST', '/api/organizations', { code: code.toLowerCase(), name: 'Again' }),
      );
      expectProblem(again, 409, 'ORGANIZATION_EXISTS');
      const builtIn = await expectNothingAppended(app, () =>
        app.call('POST', '/api/organizations', { code: 'SCO', name: 'Shanghai again' }),
      );
      expectProblem(builtIn, 409, 'ORGANIZATION_EXISTS');
    });

    it('lets a new organization be used right away by every organization-scoped kind', async () => {
      const code = await freshOrganization(app);
      expectWriteAnswer(await app.call('POST', PATHS.summit, summit({ organization: code })), 201, 'summit');
      expectWriteAnswer(
        await app.call('POST', PATHS['membership-approval'], approval({ organization: code.toLowerCase(), country: 'FR' })),
        201,
        'membership-approval',
      );
      expectWriteAnswer(
        await app.call('POST', PATHS['membership-ending'], ending({ organization: code, country: 'FR' })),
        201,
        'membership-ending',
      );
      expectWriteAnswer(
        await app.call('POST', PATHS['presidency-handover'], handover({ organization: code, from: undefined, to: 'FR' })),
        201,
        'presidency-handover',
      );
      const last = await app.call('POST', PATHS.meeting, meeting({ organization: code }));
      expectWriteAnswer(last, 201, 'meeting');
      const timeline = await app.call('GET', `/api/organizations/${code}/timeline?minPosition=${last.json.position}`);
      expect(timeline.status).toBe(200);
      expect(timeline.json.items).toHaveLength(5);
    });

    it('rejects invalid registrations with 400 and appends nothing', async () => {
      for (const body of [
        { name: 'No code' },
        { code: 'NOCODE' },
        { code: '1', name: 'Bad code' },
        { code: 'OKCODE', name: 'x', wikidataId: 'nope' },
        { code: 'OKCODE2', name: 'x', extra: 1 },
      ]) {
        const response = await expectNothingAppended(app, () => app.call('POST', '/api/organizations', body));
        expectProblem(response, 400, 'VALIDATION_FAILED');
      }
    });
  });
});
