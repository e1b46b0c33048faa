import { DeciderSpecification } from '@event-driven-io/emmett';
import { DomainError, type DomainErrorCode } from '../errors';
import type { DomainEvent } from '../development/development.events';
import type { ContentByKind } from '../development/development.types';
import { decideOrganization, type OrganizationCommand } from './organization.decider';
import { evolveOrganization, initialOrganizationState, type OrganizationState } from './organization.state';

/**
 * The organization decider, given whole events, when a command, then whole events or the refusal's code. Emmett
 * rebuilds the state from the given events for every case, so no case sees another's.
 */
const given = DeciderSpecification.for<OrganizationCommand, DomainEvent, OrganizationState>({
  decide: decideOrganization,
  evolve: evolveOrganization,
  initialState: () => initialOrganizationState('SCO'),
});

/** Emmett matches expected events as subsets: the whole events are compared exactly here as well. */
function expectDecision(events: DomainEvent[], command: OrganizationCommand, expected: DomainEvent[]): void {
  given(events).when(command).then(expected);
  const state = events.reduce(evolveOrganization, initialOrganizationState('SCO'));
  expect(decideOrganization(command, state)).toEqual(expected);
}

const refusedWith = (code: DomainErrorCode) => (error: Error) => error instanceof DomainError && error.code === code;

const registered: DomainEvent = {
  type: 'OrganizationRegistered',
  data: { developmentId: 'org-sco', code: 'SCO', name: 'Shanghai Cooperation Organisation' },
};

type Approval = ContentByKind['membership-approval'];
type Ending = ContentByKind['membership-ending'];
type Handover = ContentByKind['presidency-handover'];

const approvalOf = (country: string, occurredOn: string, extra: Partial<Approval> = {}): Approval => ({
  occurredOn,
  title: `${country} joins`,
  organization: 'SCO',
  country,
  status: 'member',
  ...extra,
});
const endingOf = (country: string, occurredOn: string): Ending => ({
  occurredOn,
  title: `${country} leaves`,
  organization: 'SCO',
  country,
  reason: 'withdrawal',
});
const handoverOf = (from: string | undefined, to: string, occurredOn: string, extra: Partial<Handover> = {}): Handover => ({
  occurredOn,
  title: `${from ?? '?'} hands over to ${to}`,
  organization: 'SCO',
  ...(from ? { from } : {}),
  to,
  ...extra,
});

const approved = (id: string, content: Approval): DomainEvent => ({ type: 'MembershipApproved', data: { developmentId: id, ...content } });
const ended = (id: string, content: Ending): DomainEvent => ({ type: 'MembershipEnded', data: { developmentId: id, ...content } });
const handedOver = (id: string, content: Handover): DomainEvent => ({
  type: 'PresidencyHandedOver',
  data: { developmentId: id, ...content },
});

const recordApproval = (id: string, content: Approval): OrganizationCommand => ({
  type: 'RecordDevelopment',
  developmentId: id,
  development: { kind: 'membership-approval', content },
});
const recordEnding = (id: string, content: Ending): OrganizationCommand => ({
  type: 'RecordDevelopment',
  developmentId: id,
  development: { kind: 'membership-ending', content },
});
const recordHandover = (id: string, content: Handover): OrganizationCommand => ({
  type: 'RecordDevelopment',
  developmentId: id,
  development: { kind: 'presidency-handover', content },
});

describe('organization decider, given / when / then with whole events', () => {
  describe('registration', () => {
    it('registers an organization, naming its Wikidata id only when given', () => {
      expectDecision(
        [],
        { type: 'RegisterOrganization', developmentId: 'org-sco', code: 'SCO', name: 'Shanghai Cooperation Organisation' },
        [registered],
      );
      expectDecision([], { type: 'RegisterOrganization', developmentId: 'org-sco', code: 'SCO', name: 'SCO', wikidataId: 'Q485207' }, [
        { type: 'OrganizationRegistered', data: { developmentId: 'org-sco', code: 'SCO', name: 'SCO', wikidataId: 'Q485207' } },
      ]);
    });

    it('refuses a second registration, and any development of an unregistered organization', () => {
      given([registered])
        .when({ type: 'RegisterOrganization', developmentId: 'org-sco', code: 'SCO', name: 'again' })
        .thenThrows(refusedWith('ORGANIZATION_EXISTS'));
      given([])
        .when(recordApproval('a1', approvalOf('BY', '2024-07-04')))
        .thenThrows(refusedWith('UNKNOWN_ORGANIZATION'));
    });
  });

  describe('recording', () => {
    it('records an approval as the event holding its whole content', () => {
      expectDecision([registered], recordApproval('a1', approvalOf('BY', '2024-07-04')), [approved('a1', approvalOf('BY', '2024-07-04'))]);
    });

    it('treats a retry with the same content (in any key order) as done: no events', () => {
      const content = approvalOf('BY', '2024-07-04');
      const reordered: Approval = { status: 'member', country: 'BY', organization: 'SCO', title: 'BY joins', occurredOn: '2024-07-04' };
      given([registered, approved('a1', content)])
        .when(recordApproval('a1', reordered))
        .thenNothingHappened();
    });

    it('refuses the same id with other content, or for another kind, as IDEMPOTENCY_CONFLICT', () => {
      const history = [registered, approved('a1', approvalOf('BY', '2024-07-04'))];
      given(history)
        .when(recordApproval('a1', approvalOf('BY', '2024-07-05')))
        .thenThrows(refusedWith('IDEMPOTENCY_CONFLICT'));
      given(history)
        .when(recordEnding('a1', endingOf('BY', '2025-01-01')))
        .thenThrows(refusedWith('IDEMPOTENCY_CONFLICT'));
    });

    it('answers a retry by the content first recorded, even after a correction', () => {
      const history = [
        registered,
        approved('a1', approvalOf('BY', '2024-07-04')),
        {
          type: 'DevelopmentCorrected',
          data: { developmentId: 'a1', kind: 'membership-approval', changes: { occurredOn: '2024-07-05' }, reason: 'date' },
        },
      ] satisfies DomainEvent[];
      given(history)
        .when(recordApproval('a1', approvalOf('BY', '2024-07-04')))
        .thenNothingHappened();
      given(history)
        .when(recordApproval('a1', approvalOf('BY', '2024-07-05')))
        .thenThrows(refusedWith('IDEMPOTENCY_CONFLICT'));
    });

    it('refuses content whose dates contradict each other', () => {
      given([registered])
        .when(recordApproval('a1', approvalOf('BY', '2024-07-04', { endsOn: '2024-07-01' })))
        .thenThrows(refusedWith('VALIDATION_FAILED'));
    });
  });

  describe('membership on valid time', () => {
    const joined = approved('a1', approvalOf('IN', '2017-06-09'));

    it('refuses a second approval while the membership runs (MEMBERSHIP_ALREADY_ACTIVE)', () => {
      given([registered, joined])
        .when(recordApproval('a2', approvalOf('IN', '2020-01-01')))
        .thenThrows(refusedWith('MEMBERSHIP_ALREADY_ACTIVE'));
    });

    it('refuses an ending dated before the membership began (MEMBERSHIP_NOT_ACTIVE), accepts one after it', () => {
      given([registered, joined])
        .when(recordEnding('e1', endingOf('IN', '2010-01-01')))
        .thenThrows(refusedWith('MEMBERSHIP_NOT_ACTIVE'));
      expectDecision([registered, joined], recordEnding('e1', endingOf('IN', '2022-01-01')), [ended('e1', endingOf('IN', '2022-01-01'))]);
    });

    it('accepts rejoining after an ending, and refuses a second ending of the same period', () => {
      const left = ended('e1', endingOf('IN', '2022-01-01'));
      expectDecision([registered, joined, left], recordApproval('a2', approvalOf('IN', '2023-01-01')), [
        approved('a2', approvalOf('IN', '2023-01-01')),
      ]);
      given([registered, joined, left])
        .when(recordEnding('e2', endingOf('IN', '2022-06-01')))
        .thenThrows(refusedWith('MEMBERSHIP_NOT_ACTIVE'));
    });

    it('judges on effectiveOn when the approval gives one', () => {
      const later = approved('a1', approvalOf('IR', '2022-09-16', { effectiveOn: '2023-07-04' }));
      given([registered, later])
        .when(recordEnding('e1', endingOf('IR', '2023-01-01')))
        .thenThrows(refusedWith('MEMBERSHIP_NOT_ACTIVE'));
      expectDecision([registered, later], recordEnding('e1', endingOf('IR', '2024-01-01')), [ended('e1', endingOf('IR', '2024-01-01'))]);
    });
  });

  describe('presidency chain', () => {
    it('accepts a handover from the holder on that date, with its term', () => {
      const content = handoverOf('KZ', 'CN', '2024-07-04', { termEndsOn: '2025-06' });
      expectDecision([registered, handedOver('h1', handoverOf(undefined, 'KZ', '2023-07-04'))], recordHandover('h2', content), [
        handedOver('h2', content),
      ]);
    });

    it('refuses a handover whose from did not hold the presidency (PRESIDENCY_HOLDER_MISMATCH)', () => {
      given([registered, handedOver('h1', handoverOf(undefined, 'KZ', '2023-07-04'))])
        .when(recordHandover('h2', handoverOf('IN', 'CN', '2024-07-04')))
        .thenThrows(refusedWith('PRESIDENCY_HOLDER_MISMATCH'));
    });

    it('refuses a backfilled handover to someone the next known handover does not take over from (PRESIDENCY_CHAIN_BROKEN)', () => {
      given([registered, handedOver('h2', handoverOf('KZ', 'CN', '2024-07-04'))])
        .when(recordHandover('h1', handoverOf(undefined, 'IN', '2023-07-04')))
        .thenThrows(refusedWith('PRESIDENCY_CHAIN_BROKEN'));
    });

    it('knows no holder once a term ended: the next handover may name any from, and breaks no chain', () => {
      const ending = handedOver('h1', handoverOf(undefined, 'KZ', '2023-07-04', { termEndsOn: '2024-01-01' }));
      const next = handoverOf('IN', 'CN', '2024-07-04');
      expectDecision([registered, ending], recordHandover('h2', next), [handedOver('h2', next)]);
      const backfilled = handoverOf(undefined, 'IN', '2022-07-04', { termEndsOn: '2023-01-01' });
      expectDecision([registered, ending], recordHandover('h0', backfilled), [handedOver('h0', backfilled)]);
    });

    it('refuses a presidency for a country not a full member on that date, once members are recorded (PRESIDENCY_HOLDER_NOT_MEMBER)', () => {
      const members = [
        registered,
        approved('a1', approvalOf('KZ', '2001-06-15')),
        approved('a2', approvalOf('IR', '2023-07-04', { status: 'observer' })),
      ];
      given(members)
        .when(recordHandover('h1', handoverOf('KZ', 'IR', '2024-07-04')))
        .thenThrows(refusedWith('PRESIDENCY_HOLDER_NOT_MEMBER'));
      given(members)
        .when(recordHandover('h1', handoverOf('KZ', 'CN', '2024-07-04')))
        .thenThrows(refusedWith('PRESIDENCY_HOLDER_NOT_MEMBER'));
      const cn = approvalOf('CN', '2001-06-15');
      expectDecision([...members, approved('a3', cn)], recordHandover('h1', handoverOf('KZ', 'CN', '2024-07-04')), [
        handedOver('h1', handoverOf('KZ', 'CN', '2024-07-04')),
      ]);
    });

    it('refuses a term that ends before it begins', () => {
      given([registered])
        .when(recordHandover('h1', handoverOf('KZ', 'CN', '2024-07-04', { termEndsOn: '2024-07-03' })))
        .thenThrows(refusedWith('VALIDATION_FAILED'));
    });
  });

  describe('corrections', () => {
    const joined = approved('a1', approvalOf('BY', '2024-07-04'));

    it('records only the changes, the reason and the sources', () => {
      const sources = [{ url: 'https://sco.int/news', title: 'SCO' }];
      expectDecision(
        [registered, joined],
        { type: 'CorrectDevelopment', developmentId: 'a1', changes: { title: 'Belarus joins' }, reason: 'title', sources },
        [
          {
            type: 'DevelopmentCorrected',
            data: { developmentId: 'a1', kind: 'membership-approval', changes: { title: 'Belarus joins' }, reason: 'title', sources },
          },
        ],
      );
    });

    it('refuses changes equal to the current values (NOTHING_TO_CORRECT)', () => {
      given([registered, joined])
        .when({ type: 'CorrectDevelopment', developmentId: 'a1', changes: { country: 'BY', title: 'BY joins' }, reason: 'same' })
        .thenThrows(refusedWith('NOTHING_TO_CORRECT'));
    });

    it('never corrects the organization a development belongs to', () => {
      given([registered, joined])
        .when({ type: 'CorrectDevelopment', developmentId: 'a1', changes: { organization: 'BRICS' }, reason: 'moved' })
        .thenThrows(
          (error: Error) =>
            error instanceof DomainError && error.code === 'VALIDATION_FAILED' && error.errors?.[0]?.field === 'changes.organization',
        );
    });

    it('checks the invariants again on the corrected content', () => {
      const other = approved('a2', approvalOf('KZ', '2001-06-15'));
      given([registered, joined, other])
        .when({ type: 'CorrectDevelopment', developmentId: 'a1', changes: { country: 'KZ' }, reason: 'wrong country' })
        .thenThrows(refusedWith('MEMBERSHIP_ALREADY_ACTIVE'));
      given([registered, joined])
        .when({ type: 'CorrectDevelopment', developmentId: 'a1', changes: { endsOn: '2024-01-01' }, reason: 'dates' })
        .thenThrows(refusedWith('VALIDATION_FAILED'));
      const chain = [
        registered,
        handedOver('h1', handoverOf(undefined, 'KZ', '2023-07-04')),
        handedOver('h2', handoverOf('KZ', 'CN', '2024-07-04')),
      ];
      given(chain)
        .when({ type: 'CorrectDevelopment', developmentId: 'h2', changes: { from: 'IN' }, reason: 'from' })
        .thenThrows(refusedWith('PRESIDENCY_HOLDER_MISMATCH'));
    });

    it('judges a corrected approval without counting its own uncorrected self', () => {
      expectDecision(
        [registered, joined],
        { type: 'CorrectDevelopment', developmentId: 'a1', changes: { occurredOn: '2024-07-05' }, reason: 'date' },
        [
          {
            type: 'DevelopmentCorrected',
            data: { developmentId: 'a1', kind: 'membership-approval', changes: { occurredOn: '2024-07-05' }, reason: 'date' },
          },
        ],
      );
    });

    it('refuses to correct what does not exist, or was retracted', () => {
      given([registered])
        .when({ type: 'CorrectDevelopment', developmentId: 'nope', changes: { title: 'x' }, reason: 'r' })
        .thenThrows(refusedWith('DEVELOPMENT_NOT_FOUND'));
      const retracted: DomainEvent = {
        type: 'DevelopmentRetracted',
        data: { developmentId: 'a1', kind: 'membership-approval', reason: 'wrong' },
      };
      given([registered, joined, retracted])
        .when({ type: 'CorrectDevelopment', developmentId: 'a1', changes: { title: 'x' }, reason: 'r' })
        .thenThrows(refusedWith('DEVELOPMENT_RETRACTED'));
    });
  });

  describe('retraction', () => {
    const joined = approved('a1', approvalOf('BY', '2024-07-04'));
    const retracted: DomainEvent = {
      type: 'DevelopmentRetracted',
      data: { developmentId: 'a1', kind: 'membership-approval', reason: 'never happened' },
    };

    it('retracts a live development, whatever depends on it', () => {
      const ending = ended('e1', endingOf('BY', '2025-01-01'));
      expectDecision([registered, joined, ending], { type: 'RetractDevelopment', developmentId: 'a1', reason: 'never happened' }, [
        retracted,
      ]);
    });

    it('frees what the retracted development held, and refuses to retract it twice', () => {
      expectDecision([registered, joined, retracted], recordApproval('a2', approvalOf('BY', '2024-07-04')), [
        approved('a2', approvalOf('BY', '2024-07-04')),
      ]);
      given([registered, joined, retracted])
        .when({ type: 'RetractDevelopment', developmentId: 'a1', reason: 'again' })
        .thenThrows(refusedWith('DEVELOPMENT_RETRACTED'));
      given([registered])
        .when({ type: 'RetractDevelopment', developmentId: 'a1', reason: 'r' })
        .thenThrows(refusedWith('DEVELOPMENT_NOT_FOUND'));
    });
  });
});
