import { DomainError } from '../errors';
import type { DomainEvent } from '../development/development.events';
import type { Development } from '../development/development.types';
import { decideOrganization, type OrganizationCommand } from './organization.decider';
import { evolveOrganization, initialOrganizationState } from './organization.state';

/** given events → when command → then events (or an error code). */
function given(...events: DomainEvent[]) {
  const state = events.reduce(
    (s, e) => evolveOrganization(s, e),
    initialOrganizationState('SCO'),
  );
  return {
    when: (command: OrganizationCommand) => ({
      then: (expected: Array<Pick<DomainEvent, 'type'>>) =>
        expect(decideOrganization(command, state).map((e) => ({ type: e.type }))).toEqual(expected),
      thenFails: (code: string) => {
        const error = (() => {
          try {
            decideOrganization(command, state);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe(code);
      },
    }),
  };
}

const registered: DomainEvent = {
  type: 'OrganizationRegistered',
  data: { developmentId: 'org', code: 'SCO', name: 'Shanghai Cooperation Organisation' },
};
let n = 0;
const approval = (country: string, occurredOn: string, extra: Record<string, unknown> = {}) => {
  const developmentId = `a${++n}`;
  const content = { organization: 'SCO', country, status: 'member', occurredOn, title: `${country} joins`, ...extra };
  return {
    developmentId,
    event: { type: 'MembershipApproved', data: { developmentId, ...content } } as DomainEvent,
    command: {
      type: 'RecordDevelopment',
      developmentId,
      development: { kind: 'membership-approval', content } as Development,
    } as OrganizationCommand,
  };
};
const ending = (country: string, occurredOn: string) => {
  const developmentId = `e${++n}`;
  const content = { organization: 'SCO', country, reason: 'withdrawal', occurredOn, title: `${country} leaves` };
  return {
    event: { type: 'MembershipEnded', data: { developmentId, ...content } } as DomainEvent,
    command: {
      type: 'RecordDevelopment',
      developmentId,
      development: { kind: 'membership-ending', content } as Development,
    } as OrganizationCommand,
  };
};
const handover = (from: string | undefined, to: string, occurredOn: string) => {
  const developmentId = `h${++n}`;
  const content = { organization: 'SCO', ...(from ? { from } : {}), to, occurredOn, title: `${from ?? '?'} → ${to}` };
  return {
    event: { type: 'PresidencyHandedOver', data: { developmentId, ...content } } as DomainEvent,
    command: {
      type: 'RecordDevelopment',
      developmentId,
      development: { kind: 'presidency-handover', content } as Development,
    } as OrganizationCommand,
  };
};

describe('organization decider', () => {
  it('rejects developments of an organization that was never registered', () => {
    given().when(approval('BY', '2024-07-04').command).thenFails('UNKNOWN_ORGANIZATION');
  });

  it('rejects registering an organization twice', () => {
    given(registered)
      .when({ type: 'RegisterOrganization', developmentId: 'x', code: 'SCO', name: 'again' })
      .thenFails('ORGANIZATION_EXISTS');
  });

  it('approves a member', () => {
    given(registered)
      .when(approval('BY', '2024-07-04').command)
      .then([{ type: 'MembershipApproved' }]);
  });

  it('rejects a second approval of an active member', () => {
    given(registered, approval('BY', '2024-07-04').event).when(approval('BY', '2025-01-01').command).thenFails('MEMBERSHIP_ALREADY_ACTIVE');
  });

  it('lets an observer become a member', () => {
    given(registered, approval('BY', '2015', { status: 'observer' }).event)
      .when(approval('BY', '2024-07-04').command)
      .then([{ type: 'MembershipApproved' }]);
  });

  it('rejects ending a membership the country does not hold on that date', () => {
    given(registered, approval('IN', '2017-06-09').event).when(ending('IN', '2010-01-01').command).thenFails('MEMBERSHIP_NOT_ACTIVE');
  });

  it('judges a membership against the country the approval names after a correction, not the one it first named', () => {
    const first = approval('BY', '2024-07-04');
    const moved: DomainEvent = {
      type: 'DevelopmentCorrected',
      data: { developmentId: first.developmentId, kind: 'membership-approval', changes: { country: 'KZ' }, reason: 'wrong country' },
    };
    given(registered, first.event, moved)
      .when(approval('BY', '2025-01-01').command)
      .then([{ type: 'MembershipApproved' }]);
    given(registered, first.event, moved).when(approval('KZ', '2025-01-01').command).thenFails('MEMBERSHIP_ALREADY_ACTIVE');
  });

  it('frees the membership of a retracted approval, and the presidency chain of a retracted handover', () => {
    const joined = approval('BY', '2024-07-04');
    const retracted = (developmentId: string, kind: string): DomainEvent => ({
      type: 'DevelopmentRetracted',
      data: { developmentId, kind, reason: 'never happened' } as never,
    });
    given(registered, joined.event, retracted(joined.developmentId, 'membership-approval'))
      .when(approval('BY', '2024-07-05').command)
      .then([{ type: 'MembershipApproved' }]);
    const toChina = handover(undefined, 'CN', '2024-07-04');
    const toChinaId = (toChina.event.data as { developmentId: string }).developmentId;
    given(registered, toChina.event, retracted(toChinaId, 'presidency-handover'))
      .when(handover('KZ', 'IN', '2024-08-01').command)
      .then([{ type: 'PresidencyHandedOver' }]);
  });

  it('evolves an organization in place, one event at a time, and judges against thousands of developments', () => {
    const state = initialOrganizationState('SCO');
    const apply = (event: DomainEvent) =>
      evolveOrganization(state, event);
    // No copy per event: replaying an organization's stream is linear in its length.
    expect(apply(registered)).toBe(state);
    for (let i = 0; i < 5000; i++) {
      expect(apply(approval(`C${i}`, '2001').event)).toBe(state);
      apply(ending(`C${i}`, '2002').event);
    }
    expect(state.developments.size).toBe(10_000);
    expect(() => decideOrganization(approval('C42', '2001-06').command, state)).toThrow('already holds');
    expect(decideOrganization(approval('C42', '2003').command, state)).toHaveLength(1);
  });

  it('accepts history backfilled out of order', () => {
    given(registered, approval('UZ', '2024-01-01').event, ending('UZ', '2012-06-28').event)
      .when(approval('UZ', '2001-06-15').command)
      .then([{ type: 'MembershipApproved' }]);
  });

  it('accepts a founding approval backfilled after a later rejoining, then the withdrawal between them', () => {
    const rejoined = approval('UZ', '2024');
    const founded = approval('UZ', '2001-06-15');
    given(registered, rejoined.event)
      .when(founded.command)
      .then([{ type: 'MembershipApproved' }]);
    given(registered, rejoined.event, founded.event)
      .when(ending('UZ', '2012-06-28').command)
      .then([{ type: 'MembershipEnded' }]);
  });

  it('judges membership on effectiveOn when given', () => {
    given(registered, approval('EG', '2023-08-24', { effectiveOn: '2024-01-01' }).event)
      .when(ending('EG', '2023-12-01').command)
      .thenFails('MEMBERSHIP_NOT_ACTIVE');
  });

  it('accepts a handover from whoever held the presidency on that date', () => {
    given(registered, handover('UZ', 'IN', '2022-09-16').event)
      .when(handover('IN', 'KZ', '2023-07-04').command)
      .then([{ type: 'PresidencyHandedOver' }]);
  });

  it('rejects a handover whose from is not the holder on that date', () => {
    given(registered, handover('UZ', 'IN', '2022-09-16').event)
      .when(handover('KZ', 'CN', '2023-07-04').command)
      .thenFails('PRESIDENCY_HOLDER_MISMATCH');
  });

  it('rejects a backfilled handover that contradicts the next known one', () => {
    given(registered, handover('KZ', 'CN', '2024-07-04').event)
      .when(handover('IN', 'RU', '2023-07-04').command)
      .thenFails('PRESIDENCY_CHAIN_BROKEN');
  });

  it('accepts handovers backfilled in any order when they agree', () => {
    given(registered, handover('KZ', 'CN', '2024-07-04').event, handover('UZ', 'IN', '2022-09-16').event)
      .when(handover('IN', 'KZ', '2023-07-04').command)
      .then([{ type: 'PresidencyHandedOver' }]);
  });

  it('re-checks invariants when a correction moves an approval onto an active membership', () => {
    const first = approval('IR', '2023-07-04');
    const second = approval('IR', '2010-01-01');
    given(
      registered,
      first.event,
      {
        type: 'MembershipEnded',
        data: { developmentId: 'end', organization: 'SCO', country: 'IR', reason: 'withdrawal', occurredOn: '2015-01-01', title: 'x' },
      },
      second.event,
    )
      .when({ type: 'CorrectDevelopment', developmentId: second.developmentId, changes: { occurredOn: '2024-01-01' }, reason: 'typo' })
      .thenFails('MEMBERSHIP_ALREADY_ACTIVE');
  });

  it('refuses to correct the organization a development belongs to, or a retracted one', () => {
    const a = approval('BY', '2024-07-04');
    given(registered, a.event)
      .when({ type: 'CorrectDevelopment', developmentId: a.developmentId, changes: { organization: 'BRICS' }, reason: 'x' })
      .thenFails('VALIDATION_FAILED');
    given(registered, a.event, {
      type: 'DevelopmentRetracted',
      data: { developmentId: a.developmentId, kind: 'membership-approval', reason: 'x' },
    })
      .when({ type: 'CorrectDevelopment', developmentId: a.developmentId, changes: { title: 'y' }, reason: 'x' })
      .thenFails('DEVELOPMENT_RETRACTED');
  });

  it('treats the same id with the same content as already done, and other content as a conflict', () => {
    const a = approval('BY', '2024-07-04');
    given(registered, a.event).when(a.command).then([]);
    given(registered, a.event)
      .when({
        ...a.command,
        development: {
          kind: 'membership-approval',
          content: { organization: 'SCO', country: 'BY', status: 'observer', occurredOn: '2024-07-04', title: 'BY joins' },
        },
      } as OrganizationCommand)
      .thenFails('IDEMPOTENCY_CONFLICT');
  });

  describe('terms of office and holders', () => {
    const withTerm = (from: string | undefined, to: string, occurredOn: string, termEndsOn: string) => {
      const h = handover(from, to, occurredOn);
      const data = { ...(h.event.data as object), termEndsOn };
      return { event: { ...h.event, data } as DomainEvent };
    };

    it('knows no holder after a term ended, so the next handover may name any from', () => {
      given(registered, withTerm(undefined, 'BR', '2025-01-01', '2025-12-31').event)
        .when(handover('RU', 'IN', '2026-01-01').command)
        .then([{ type: 'PresidencyHandedOver' }]);
    });

    it('still checks from against a holder whose term runs', () => {
      given(registered, withTerm(undefined, 'BR', '2025-01-01', '2025-12-31').event)
        .when(handover('RU', 'IN', '2025-06-01').command)
        .thenFails('PRESIDENCY_HOLDER_MISMATCH');
    });

    it('refuses a presidency for a country that is not a full member on that date, once members are recorded', () => {
      given(registered, approval('CN', '2001-06-15').event, approval('BY', '2015', { status: 'observer' }).event)
        .when(handover(undefined, 'BY', '2024-07-04').command)
        .thenFails('PRESIDENCY_HOLDER_NOT_MEMBER');
      given(registered, approval('CN', '2001-06-15').event)
        .when(handover(undefined, 'CN', '2024-07-04').command)
        .then([{ type: 'PresidencyHandedOver' }]);
    });

    it('accepts the same handover once the membership is backfilled', () => {
      given(registered, approval('CN', '2001-06-15').event)
        .when(handover(undefined, 'KZ', '2024-07-04').command)
        .thenFails('PRESIDENCY_HOLDER_NOT_MEMBER');
      given(registered, approval('CN', '2001-06-15').event, approval('KZ', '2001-06-15').event)
        .when(handover(undefined, 'KZ', '2024-07-04').command)
        .then([{ type: 'PresidencyHandedOver' }]);
    });
  });

  it('refuses a correction whose changes equal the current values', () => {
    const a = approval('BY', '2024-07-04');
    given(registered, a.event)
      .when({ type: 'CorrectDevelopment', developmentId: a.developmentId, changes: { title: 'BY joins', country: 'BY' }, reason: 'x' })
      .thenFails('NOTHING_TO_CORRECT');
    given(registered, a.event)
      .when({ type: 'CorrectDevelopment', developmentId: a.developmentId, changes: { title: 'Belarus joins' }, reason: 'x' })
      .then([{ type: 'DevelopmentCorrected' }]);
  });
});
