/* eslint jest/expect-expect: ["warn", { "assertFunctionNames": ["expect", "expect*", "refused", "approve", "end", "pass", "ok"] }] -- the helpers assert */
import { startTestApp, type TestApp } from '../support/test-app';
import { approval, ending, expectNothingAppended, expectProblem, freshOrganization, handover, members, PATHS } from './support-writes';

describe('invariants judged on valid time', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  async function ok(path: string, body: Record<string, unknown>): Promise<{ developmentId: string; position: string }> {
    const response = await app.call('POST', path, body);
    expect({ status: response.status, text: response.text, body }).toEqual({ status: 201, text: response.text, body });
    return response.json;
  }
  const approve = (organization: string, country: string, occurredOn: string, extra: Record<string, unknown> = {}) =>
    ok(PATHS['membership-approval'], approval({ organization, country, occurredOn, ...extra }));
  const end = (organization: string, country: string, occurredOn: string) =>
    ok(PATHS['membership-ending'], ending({ organization, country, occurredOn }));
  const refused = async (path: string, body: Record<string, unknown>, code: string) =>
    expectProblem(await expectNothingAppended(app, () => app.call('POST', path, body)), 409, code);

  describe('memberships', () => {
    it('answers 409 MEMBERSHIP_ALREADY_ACTIVE for approving an active member again, on the same or a later date', async () => {
      const organization = await freshOrganization(app);
      await approve(organization, 'BY', '2024-07-04');
      await refused(
        PATHS['membership-approval'],
        approval({ organization, country: 'BY', occurredOn: '2024-07-04' }),
        'MEMBERSHIP_ALREADY_ACTIVE',
      );
      await refused(
        PATHS['membership-approval'],
        approval({ organization, country: 'blr', occurredOn: '2025' }),
        'MEMBERSHIP_ALREADY_ACTIVE',
      );
      await refused(
        PATHS['membership-approval'],
        approval({ organization, country: 'BY', occurredOn: '2020', effectiveOn: '2024-08' }),
        'MEMBERSHIP_ALREADY_ACTIVE',
      );
    });

    it('answers 409 MEMBERSHIP_NOT_ACTIVE for ending a membership that is not held on that date', async () => {
      const organization = await freshOrganization(app);
      await refused(PATHS['membership-ending'], ending({ organization, country: 'FR', occurredOn: '2020' }), 'MEMBERSHIP_NOT_ACTIVE');
      await approve(organization, 'FR', '2024-07-04');
      await refused(PATHS['membership-ending'], ending({ organization, country: 'FR', occurredOn: '2024-07-01' }), 'MEMBERSHIP_NOT_ACTIVE');
      await refused(PATHS['membership-ending'], ending({ organization, country: 'DE', occurredOn: '2025' }), 'MEMBERSHIP_NOT_ACTIVE');
      await end(organization, 'FR', '2025-03-01');
      await refused(
        PATHS['membership-ending'],
        ending({ organization, country: 'FR', occurredOn: '2025-06-01', reason: 'expulsion' }),
        'MEMBERSHIP_NOT_ACTIVE',
      );
    });

    it('allows approve → end → approve again, and the member list follows valid time', async () => {
      const organization = await freshOrganization(app);
      await approve(organization, 'GB', '1973-01-01');
      await end(organization, 'GB', '2020-01-31');
      const again = await approve(organization, 'gbr', '2030-01-01');
      expect((await members(app, organization, '2000', again.position)).map((m) => m.country)).toEqual(['GB']);
      expect(await members(app, organization, '2020-01-31', again.position)).toEqual([]);
      expect(await members(app, organization, '2025', again.position)).toEqual([]);
      expect(await members(app, organization, '2030-01-01', again.position)).toEqual([
        expect.objectContaining({ country: 'GB', status: 'member', since: '2030-01-01' }),
      ]);
    });

    it('accepts history backfilled in reverse: the 2024 approval, then the 2001 founding approval and the 2010 withdrawal', async () => {
      const organization = await freshOrganization(app);
      await approve(organization, 'UZ', '2024-07-04', { title: 'Rejoins' });
      await approve(organization, 'UZ', '2001-06-15', { title: 'Founding member' });
      const last = await end(organization, 'UZ', '2010-01-01');
      expect(await members(app, organization, '2005', last.position)).toEqual([
        expect.objectContaining({ country: 'UZ', since: '2001-06-15' }),
      ]);
      expect(await members(app, organization, '2012', last.position)).toEqual([]);
      expect(await members(app, organization, '2024-12', last.position)).toEqual([
        expect.objectContaining({ country: 'UZ', since: '2024-07-04' }),
      ]);
    });

    it('accepts the missing withdrawal once it is known, then the re-approval it allows', async () => {
      const organization = await freshOrganization(app);
      await approve(organization, 'KG', '2001');
      await refused(
        PATHS['membership-approval'],
        approval({ organization, country: 'KG', occurredOn: '2024' }),
        'MEMBERSHIP_ALREADY_ACTIVE',
      );
      await end(organization, 'KG', '2010-05');
      const last = await approve(organization, 'KG', '2024');
      expect(await members(app, organization, '2010-04-30', last.position)).toEqual([
        expect.objectContaining({ country: 'KG', since: '2001' }),
      ]);
      expect(await members(app, organization, '2010-05-01', last.position)).toEqual([]);
    });

    it('allows an observer to become a member, and then refuses a second member approval', async () => {
      const organization = await freshOrganization(app);
      await approve(organization, 'MN', '2004', { status: 'observer' });
      const member = await approve(organization, 'MN', '2024-07-04', { status: 'member' });
      expect(await members(app, organization, '2010', member.position)).toEqual([
        expect.objectContaining({ country: 'MN', status: 'observer', since: '2004' }),
      ]);
      expect(await members(app, organization, '2024-08', member.position)).toEqual([
        expect.objectContaining({ country: 'MN', status: 'member', since: '2024-07-04' }),
      ]);
      await refused(
        PATHS['membership-approval'],
        approval({ organization, country: 'MN', occurredOn: '2025' }),
        'MEMBERSHIP_ALREADY_ACTIVE',
      );
    });

    it('judges each country and each organization on its own', async () => {
      const [first, second] = [await freshOrganization(app), await freshOrganization(app)];
      await approve(first, 'EG', '2024-01-01');
      await approve(first, 'IR', '2024-01-01');
      await approve(second, 'EG', '2024-01-01');
    });

    it('counts a partial date from the first day of its period', async () => {
      const organization = await freshOrganization(app);
      const year = await approve(organization, 'AE', '2024');
      expect(await members(app, organization, '2024-01-01', year.position)).toEqual([
        expect.objectContaining({ country: 'AE', since: '2024' }),
      ]);
      expect(await members(app, organization, '2023-12-31', year.position)).toEqual([]);
      await end(organization, 'AE', '2024-06');
      await refused(PATHS['membership-ending'], ending({ organization, country: 'SA', occurredOn: '2024-06-15' }), 'MEMBERSHIP_NOT_ACTIVE');
    });

    it('takes effect on effectiveOn when given', async () => {
      const organization = await freshOrganization(app);
      const written = await approve(organization, 'EG', '2023-08-24', { effectiveOn: '2024-01-01' });
      expect(await members(app, organization, '2023-12-31', written.position)).toEqual([]);
      expect(await members(app, organization, '2024-01-01', written.position)).toEqual([
        expect.objectContaining({ country: 'EG', since: '2024-01-01' }),
      ]);
      await refused(PATHS['membership-ending'], ending({ organization, country: 'EG', occurredOn: '2023-10' }), 'MEMBERSHIP_NOT_ACTIVE');
    });

    it('takes effect on occurredOn when effectiveOn is absent, also after occurredOn is corrected', async () => {
      const organization = await freshOrganization(app);
      const written = await approve(organization, 'BY', '2024-07-04');
      expect(await members(app, organization, '2024-07-03', written.position)).toEqual([]);
      expect(await members(app, organization, '2024-07-04', written.position)).toEqual([
        expect.objectContaining({ country: 'BY', since: '2024-07-04' }),
      ]);

      const corrected = await app.call('POST', `/api/developments/${written.developmentId}/corrections`, {
        changes: { occurredOn: '2024-09-01' },
        reason: 'approved later',
      });
      expect({ status: corrected.status, text: corrected.text }).toEqual({ status: 201, text: corrected.text });
      expect(await members(app, organization, '2024-08-31', corrected.json.position)).toEqual([]);
      expect(await members(app, organization, '2024-09-01', corrected.json.position)).toEqual([
        expect.objectContaining({ country: 'BY', since: '2024-09-01' }),
      ]);
      // The invariants follow the corrected date too.
      await refused(PATHS['membership-ending'], ending({ organization, country: 'BY', occurredOn: '2024-08-15' }), 'MEMBERSHIP_NOT_ACTIVE');
      await end(organization, 'BY', '2024-09-15');
    });
  });

  describe('presidencies', () => {
    const pass = (organization: string, occurredOn: string, from: string | undefined, to: string) =>
      ok(PATHS['presidency-handover'], handover({ organization, occurredOn, from, to, title: `${to} takes over in ${occurredOn}` }));

    async function chain(organization: string, minPosition: string) {
      const response = await app.call('GET', `/api/organizations/${organization}/presidencies?minPosition=${minPosition}`);
      expect(response.status).toBe(200);
      return response.json as Array<{ country: string; from: string; to: string | null }>;
    }

    it('accepts a consistent chain recorded in reverse (2023, 2022, 2021) and lists it chronologically', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2023-07-04', 'IN', 'KZ');
      await pass(organization, '2022-09-16', 'UZ', 'IN');
      const last = await pass(organization, '2021-09-17', 'TJ', 'UZ');
      expect(await chain(organization, last.position)).toEqual([
        expect.objectContaining({ country: 'UZ', from: '2021-09-17', to: '2022-09-16' }),
        expect.objectContaining({ country: 'IN', from: '2022-09-16', to: '2023-07-04' }),
        expect.objectContaining({ country: 'KZ', from: '2023-07-04', to: null }),
      ]);
    });

    it('accepts handovers recorded out of order (2023, then 2021, then 2022) where the later one names no from', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2023', undefined, 'KZ');
      await pass(organization, '2021', 'TJ', 'UZ');
      const last = await pass(organization, '2022', 'UZ', 'IN');
      expect((await chain(organization, last.position)).map((p) => p.country)).toEqual(['UZ', 'IN', 'KZ']);
    });

    it('accepts a handover inserted between two known ones when it fits both', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2021', 'TJ', 'UZ');
      await pass(organization, '2023', undefined, 'KZ');
      const last = await pass(organization, '2022', 'UZ', 'IN');
      expect((await chain(organization, last.position)).map((p) => p.country)).toEqual(['UZ', 'IN', 'KZ']);
    });

    it('counts a partial date from the first day of its period: 2023-01 comes after a handover of 2023', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2022', 'UZ', 'IN');
      await pass(organization, '2023', 'IN', 'KZ');
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2023-01', from: 'IN', to: 'CN' }),
        'PRESIDENCY_HOLDER_MISMATCH',
      );
      await pass(organization, '2023-01', 'KZ', 'CN');
    });

    it('answers 409 PRESIDENCY_HOLDER_MISMATCH when from is not the holder on that date', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2021', 'TJ', 'UZ');
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2022', from: 'KZ', to: 'IN' }),
        'PRESIDENCY_HOLDER_MISMATCH',
      );
      await pass(organization, '2022', 'UZB', 'IN');
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2021-06', from: 'TJ', to: 'CN' }),
        'PRESIDENCY_HOLDER_MISMATCH',
      );
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2021-06', from: 'UZ', to: 'CN' }),
        'PRESIDENCY_CHAIN_BROKEN',
      );
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2024', from: 'UZ', to: 'CN' }),
        'PRESIDENCY_HOLDER_MISMATCH',
      );
    });

    it('accepts any from when no holder is known on that date, and a handover without from', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2024-07-04', 'KZ', 'CN');
      await pass(organization, '2025-07-04', undefined, 'KG');
    });

    it('answers 409 PRESIDENCY_CHAIN_BROKEN for a handover whose to contradicts the from of the next known one', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2021', 'TJ', 'UZ');
      const last = await pass(organization, '2023', 'UZ', 'KZ');
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2022', from: 'UZ', to: 'IN' }),
        'PRESIDENCY_CHAIN_BROKEN',
      );
      expect((await chain(organization, last.position)).map((p) => p.country)).toEqual(['UZ', 'KZ']);
    });

    it('answers 409 PRESIDENCY_CHAIN_BROKEN for a backfilled earlier handover whose to is not the next from', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2023-07-04', 'IN', 'KZ');
      await refused(
        PATHS['presidency-handover'],
        handover({ organization, occurredOn: '2021-09-17', from: 'TJ', to: 'UZ' }),
        'PRESIDENCY_CHAIN_BROKEN',
      );
    });

    it('re-checks the chain when a handover is corrected', async () => {
      const organization = await freshOrganization(app);
      await pass(organization, '2021', 'TJ', 'UZ');
      const middle = await pass(organization, '2022', 'UZ', 'IN');
      await pass(organization, '2023', 'IN', 'KZ');
      const response = await expectNothingAppended(app, () =>
        app.call('POST', `/api/developments/${middle.developmentId}/corrections`, { changes: { to: 'CN' }, reason: 'wrong successor' }),
      );
      expectProblem(response, 409, 'PRESIDENCY_CHAIN_BROKEN');
    });
  });
});
