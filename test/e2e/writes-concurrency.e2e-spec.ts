/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import type { TestResponse } from '../support/test-app';
import {
  allEvents,
  approval,
  COUNTRIES,
  eventCount,
  eventsOfDevelopment,
  expectProblem,
  freshOrganization,
  handover,
  meeting,
  members,
  PATHS,
  summit,
  type RawEvent,
} from './support-writes';

describe('racing writers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  const statuses = (responses: TestResponse[]) => responses.map((r) => `${r.status}${r.json?.code ? ` ${r.json.code}` : ''}`).sort();

  /** Revisions 0..n-1 with no gap nor duplicate, positions rising with revisions, event ids unique. */
  function expectConsistentStream(events: RawEvent[], stream: string): RawEvent[] {
    const own = events.filter((e) => e.stream === stream);
    expect(own.map((e) => e.revision)).toEqual(own.map((_, i) => i));
    const positions = own.map((e) => BigInt(e.position));
    for (let i = 1; i < positions.length; i++) expect(positions[i]! > positions[i - 1]!).toBe(true);
    expect(new Set(own.map((e) => e.eventId)).size).toBe(own.length);
    return own;
  }

  it('accepts 20 different countries approved concurrently on one organization: all 201, one event each, a consistent stream', async () => {
    const organization = await freshOrganization(app);
    const countries = COUNTRIES.slice(0, 20);
    const responses = await Promise.all(
      countries.map((country) =>
        app.call('POST', PATHS['membership-approval'], approval({ organization, country, occurredOn: '2024-07-04' })),
      ),
    );
    expect(statuses(responses)).toEqual(countries.map(() => '201'));
    expect(new Set(responses.map((r) => r.json.revision)).size).toBe(20);
    expect(new Set(responses.map((r) => r.json.position)).size).toBe(20);

    const own = expectConsistentStream(await allEvents(app), `organization-${organization}`);
    expect(own.filter((e) => e.type === 'MembershipApproved')).toHaveLength(20);
    for (const response of responses) {
      const event = own.find((e) => e.eventId === response.json.eventId)!;
      expect(event).toEqual(expect.objectContaining({ revision: response.json.revision, position: response.json.position }));
    }
    const last = responses
      .map((r) => r.json.position)
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
      .pop();
    expect((await members(app, organization, '2024-07-04', last)).map((m) => m.country)).toEqual([...countries].sort());
  });

  it('lets exactly one of 20 concurrent approvals of the same country on the same date win; 19 get 409 MEMBERSHIP_ALREADY_ACTIVE', async () => {
    const organization = await freshOrganization(app);
    const before = await eventCount(app);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.call(
          'POST',
          PATHS['membership-approval'],
          approval({ organization, country: 'BY', occurredOn: '2024-07-04', title: `Belarus admitted (${i})` }),
        ),
      ),
    );
    expect(statuses(responses)).toEqual(['201', ...Array.from({ length: 19 }, () => '409 MEMBERSHIP_ALREADY_ACTIVE')]);
    for (const response of responses.filter((r) => r.status === 409)) expectProblem(response, 409, 'MEMBERSHIP_ALREADY_ACTIVE');
    expect(await eventCount(app)).toBe(before + 1);
    const own = expectConsistentStream(await allEvents(app), `organization-${organization}`);
    expect(own.filter((e) => e.type === 'MembershipApproved')).toHaveLength(1);
  });

  it('lets exactly one of 20 concurrent endings of the same membership win; 19 get 409 MEMBERSHIP_NOT_ACTIVE', async () => {
    const organization = await freshOrganization(app);
    expect(
      (await app.call('POST', PATHS['membership-approval'], approval({ organization, country: 'AF', occurredOn: '2012' }))).status,
    ).toBe(201);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.call('POST', PATHS['membership-ending'], {
          organization,
          country: 'AF',
          occurredOn: '2021-08-15',
          reason: 'suspension',
          title: `Suspended (${i})`,
        }),
      ),
    );
    expect(statuses(responses)).toEqual(['201', ...Array.from({ length: 19 }, () => '409 MEMBERSHIP_NOT_ACTIVE')]);
    expectConsistentStream(await allEvents(app), `organization-${organization}`);
  });

  it('accepts 20 racing handovers without from on distinct dates, in any arrival order', async () => {
    const organization = await freshOrganization(app);
    const responses = await Promise.all(
      COUNTRIES.slice(0, 20).map((to, i) =>
        app.call('POST', PATHS['presidency-handover'], handover({ organization, occurredOn: `${2000 + i}-06-15`, from: undefined, to })),
      ),
    );
    expect(statuses(responses)).toEqual(Array.from({ length: 20 }, () => '201'));
    const own = expectConsistentStream(await allEvents(app), `organization-${organization}`);
    expect(own.filter((e) => e.type === 'PresidencyHandedOver')).toHaveLength(20);
    const last = responses
      .map((r) => r.json.position)
      .sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
      .pop();
    const chain = await app.call('GET', `/api/organizations/${organization}/presidencies?minPosition=${last}`);
    expect(chain.json.map((p: { country: string }) => p.country)).toEqual(COUNTRIES.slice(0, 20));
  });

  it('lets exactly one of 20 racing handovers from the same holder on the same date win; the others get 409 PRESIDENCY_HOLDER_MISMATCH', async () => {
    const organization = await freshOrganization(app);
    expect(
      (await app.call('POST', PATHS['presidency-handover'], handover({ organization, occurredOn: '2023-07-04', from: 'IN', to: 'KZ' })))
        .status,
    ).toBe(201);
    const responses = await Promise.all(
      COUNTRIES.filter((c) => c !== 'KZ')
        .slice(0, 20)
        .map((to) => app.call('POST', PATHS['presidency-handover'], handover({ organization, occurredOn: '2024-07-04', from: 'KZ', to }))),
    );
    expect(statuses(responses)).toEqual(['201', ...Array.from({ length: 19 }, () => '409 PRESIDENCY_HOLDER_MISMATCH')]);
    const own = expectConsistentStream(await allEvents(app), `organization-${organization}`);
    expect(own.filter((e) => e.type === 'PresidencyHandedOver')).toHaveLength(2);
  });

  it('keeps a mixed race of summits, approvals and handovers consistent: approvals and handovers on the organization stream, summits on their own', async () => {
    const organization = await freshOrganization(app);
    const requests = [
      ...Array.from(
        { length: 8 },
        (_, i) => () =>
          app.call('POST', PATHS.summit, summit({ organization, occurredOn: `${2010 + i}`, endsOn: undefined, host: COUNTRIES[i] })),
      ),
      ...Array.from(
        { length: 8 },
        (_, i) => () =>
          app.call('POST', PATHS['membership-approval'], approval({ organization, country: COUNTRIES[i], occurredOn: '2009' })),
      ),
      ...Array.from(
        { length: 4 },
        (_, i) => () =>
          app.call(
            'POST',
            PATHS['presidency-handover'],
            handover({ organization, occurredOn: `${2010 + i}`, from: undefined, to: COUNTRIES[i] }),
          ),
      ),
      () => app.call('POST', PATHS.meeting, meeting({ organization })),
    ];
    const responses = await Promise.all(requests.map((request) => request()));
    expect(statuses(responses)).toEqual(requests.map(() => '201'));
    const events = await allEvents(app);
    const own = expectConsistentStream(events, `organization-${organization}`);
    // The registration, 8 approvals and 4 handovers: no rule spans an organization's summits.
    expect(own).toHaveLength(1 + 8 + 4);
    for (const response of responses.slice(0, 8)) expectConsistentStream(events, `development-${response.json.developmentId}`);
  });

  it('accepts 20 concurrent meetings, each on its own stream', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => app.call('POST', PATHS.meeting, meeting({ title: `Meeting ${i}` }))),
    );
    expect(statuses(responses)).toEqual(Array.from({ length: 20 }, () => '201'));
    expect(new Set(responses.map((r) => r.json.stream)).size).toBe(20);
    expect(new Set(responses.map((r) => r.json.position)).size).toBe(20);
  });

  it('applies 10 concurrent corrections of one development, all 201, history of 11', async () => {
    const organization = await freshOrganization(app);
    const written = await app.call('POST', PATHS.summit, summit({ organization }));
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        app.call('POST', `/api/developments/${written.json.developmentId}/corrections`, {
          changes: { title: `Title ${i}` },
          reason: `edit ${i}`,
        }),
      ),
    );
    expect(statuses(responses)).toEqual(Array.from({ length: 10 }, () => '201'));
    expect(await eventsOfDevelopment(app, written.json.developmentId)).toHaveLength(11);
    expectConsistentStream(await allEvents(app), `organization-${organization}`);
  });

  it('races a correction against a retraction: the retraction wins, the correction lands first or gets 409 DEVELOPMENT_RETRACTED', async () => {
    const written = await app.call('POST', PATHS.meeting, meeting());
    const id = written.json.developmentId;
    const [correction, retraction] = await Promise.all([
      app.call('POST', `/api/developments/${id}/corrections`, { changes: { title: 'Corrected' }, reason: 'x' }),
      app.call('POST', `/api/developments/${id}/retraction`, { reason: 'y' }),
    ]);
    expect(retraction.status).toBe(201);
    const types = (await eventsOfDevelopment(app, id)).map((e) => e.type);
    if (correction.status === 201) expect(types).toEqual(['MeetingHeld', 'DevelopmentCorrected', 'DevelopmentRetracted']);
    else {
      expectProblem(correction, 409, 'DEVELOPMENT_RETRACTED');
      expect(types).toEqual(['MeetingHeld', 'DevelopmentRetracted']);
    }
  });

  it('lets only one of 10 concurrent retractions of one development win; 9 get 409 DEVELOPMENT_RETRACTED', async () => {
    const organization = await freshOrganization(app);
    const written = await app.call('POST', PATHS.summit, summit({ organization }));
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        app.call('POST', `/api/developments/${written.json.developmentId}/retraction`, { reason: 'duplicate' }),
      ),
    );
    expect(statuses(responses)).toEqual(['201', ...Array.from({ length: 9 }, () => '409 DEVELOPMENT_RETRACTED')]);
  });
});
