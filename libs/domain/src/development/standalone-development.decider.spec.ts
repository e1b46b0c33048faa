import { DeciderSpecification } from '@event-driven-io/emmett';
import { DomainError, type DomainErrorCode } from '../errors';
import type { DomainEvent } from './development.events';
import type { DevelopmentCommand } from './development.commands';
import type { ContentByKind } from './development.types';
import { decideStandalone, evolveStandalone, type StandaloneState } from './standalone-development.decider';

/** The decider of developments with a stream of their own: given whole events, when a command, then whole events. */
const given = DeciderSpecification.for<DevelopmentCommand, DomainEvent, StandaloneState>({
  decide: decideStandalone,
  evolve: evolveStandalone,
  initialState: () => undefined,
});

/** Emmett matches expected events as subsets: the whole events are compared exactly here as well. */
function expectDecision(events: DomainEvent[], command: DevelopmentCommand, expected: DomainEvent[]): void {
  given(events).when(command).then(expected);
  expect(decideStandalone(command, events.reduce(evolveStandalone, undefined))).toEqual(expected);
}

const refusedWith = (code: DomainErrorCode) => (error: Error) => error instanceof DomainError && error.code === code;

const talks: ContentByKind['meeting'] = {
  occurredOn: '2024-07-03',
  title: 'Talks in Astana',
  participants: [
    { name: 'Xi Jinping', country: 'CN' },
    { name: 'Vladimir Putin', country: 'RU' },
  ],
  location: { city: 'Astana', country: 'KZ' },
};
const summit: ContentByKind['peace-summit'] = {
  occurredOn: '2024-06-15',
  endsOn: '2024-06-16',
  title: 'Summit on Peace in Ukraine',
  host: 'CH',
  attendees: ['UA', 'AR'],
  absentees: [{ country: 'CN', reason: 'declined' }],
};

const held: DomainEvent = { type: 'MeetingHeld', data: { developmentId: 'm1', ...talks } };
const recordTalks = (content: ContentByKind['meeting'] = talks): DevelopmentCommand => ({
  type: 'RecordDevelopment',
  developmentId: 'm1',
  development: { kind: 'meeting', content },
});
const correct = (changes: Record<string, unknown>, reason = 'corrected'): DevelopmentCommand => ({
  type: 'CorrectDevelopment',
  developmentId: 'm1',
  changes,
  reason,
});
const corrected = (changes: Record<string, unknown>, reason = 'corrected'): DomainEvent => ({
  type: 'DevelopmentCorrected',
  data: { developmentId: 'm1', kind: 'meeting', changes, reason },
});
const retracted: DomainEvent = { type: 'DevelopmentRetracted', data: { developmentId: 'm1', kind: 'meeting', reason: 'duplicate' } };

describe('standalone development decider, given / when / then with whole events', () => {
  describe('recording', () => {
    it('records a meeting, and a peace summit, as the event of its kind holding the whole content', () => {
      expectDecision([], recordTalks(), [held]);
      expectDecision([], { type: 'RecordDevelopment', developmentId: 'p1', development: { kind: 'peace-summit', content: summit } }, [
        { type: 'PeaceSummitHeld', data: { developmentId: 'p1', ...summit } },
      ]);
    });

    it('treats a retry with the same content as done: no events', () => {
      const reordered: ContentByKind['meeting'] = {
        location: { country: 'KZ', city: 'Astana' },
        participants: talks.participants,
        title: talks.title,
        occurredOn: talks.occurredOn,
      };
      given([held]).when(recordTalks(reordered)).thenNothingHappened();
      // Compared with what was first recorded, not with the corrected content.
      given([held, corrected({ title: 'Talks' })])
        .when(recordTalks())
        .thenNothingHappened();
    });

    it('refuses the same id with other content, or of another kind, as IDEMPOTENCY_CONFLICT', () => {
      given([held])
        .when(recordTalks({ ...talks, title: 'Other talks' }))
        .thenThrows(refusedWith('IDEMPOTENCY_CONFLICT'));
      given([held])
        .when({ type: 'RecordDevelopment', developmentId: 'm1', development: { kind: 'peace-summit', content: summit } })
        .thenThrows(refusedWith('IDEMPOTENCY_CONFLICT'));
    });

    it("checks the kind's invariants: dates in order, no participant listed twice", () => {
      given([])
        .when(recordTalks({ ...talks, endsOn: '2024-07-02' }))
        .thenThrows(refusedWith('VALIDATION_FAILED'));
      given([])
        .when(recordTalks({ ...talks, participants: [...talks.participants, { name: ' xi jinping', country: 'CN' }] }))
        .thenThrows((error: Error) => error instanceof DomainError && error.errors?.[0]?.field === 'participants.2');
    });
  });

  describe('corrections', () => {
    it('records the changes, the reason and the sources cited', () => {
      const sources = [{ url: 'https://kremlin.ru/events', title: 'Kremlin' }];
      expectDecision([held], { ...correct({ title: 'Talks' }, 'shorter'), sources } as DevelopmentCommand, [
        {
          type: 'DevelopmentCorrected',
          data: { developmentId: 'm1', kind: 'meeting', changes: { title: 'Talks' }, reason: 'shorter', sources },
        },
      ]);
    });

    it("moves a meeting onto an organization's occasion: a meeting's organization may be corrected", () => {
      expectDecision([held], correct({ organization: 'SCO' }), [corrected({ organization: 'SCO' })]);
    });

    it('refuses changes equal to the current values, the corrected ones included (NOTHING_TO_CORRECT)', () => {
      given([held])
        .when(correct({ title: talks.title }))
        .thenThrows(refusedWith('NOTHING_TO_CORRECT'));
      given([held, corrected({ title: 'Talks' })])
        .when(correct({ title: 'Talks' }))
        .thenThrows(refusedWith('NOTHING_TO_CORRECT'));
    });

    it('refuses empty changes, and checks the invariants on the corrected content', () => {
      given([held]).when(correct({})).thenThrows(refusedWith('VALIDATION_FAILED'));
      given([held])
        .when(correct({ endsOn: '2024-07-01' }))
        .thenThrows(refusedWith('VALIDATION_FAILED'));
      // Clearing the end date of a corrected meeting leaves it valid again.
      // (Compared with jest alone: Emmett's subset match does not take a null as a value.)
      expect(
        decideStandalone(correct({ endsOn: null }), [held, corrected({ endsOn: '2024-07-04' })].reduce(evolveStandalone, undefined)),
      ).toEqual([corrected({ endsOn: null })]);
      given([held, corrected({ endsOn: '2024-07-04' })])
        .when(correct({ occurredOn: '2024-07-05' }))
        .thenThrows(refusedWith('VALIDATION_FAILED'));
    });

    it('refuses to correct what was never recorded, or was retracted', () => {
      given([])
        .when(correct({ title: 'x' }))
        .thenThrows(refusedWith('DEVELOPMENT_NOT_FOUND'));
      given([held, retracted])
        .when(correct({ title: 'x' }))
        .thenThrows(refusedWith('DEVELOPMENT_RETRACTED'));
    });
  });

  describe('retraction', () => {
    it('retracts a recorded development, corrected or not', () => {
      expectDecision([held], { type: 'RetractDevelopment', developmentId: 'm1', reason: 'duplicate' }, [retracted]);
      expectDecision([held, corrected({ title: 'Talks' })], { type: 'RetractDevelopment', developmentId: 'm1', reason: 'duplicate' }, [
        retracted,
      ]);
    });

    it('refuses to retract twice, or what was never recorded', () => {
      given([held, retracted])
        .when({ type: 'RetractDevelopment', developmentId: 'm1', reason: 'again' })
        .thenThrows(refusedWith('DEVELOPMENT_RETRACTED'));
      given([]).when({ type: 'RetractDevelopment', developmentId: 'm1', reason: 'r' }).thenThrows(refusedWith('DEVELOPMENT_NOT_FOUND'));
    });

    it('leaves a retracted recording retried as done, not recorded again', () => {
      given([held, retracted]).when(recordTalks()).thenNothingHappened();
    });
  });

  it('ignores an organization registration, which opens no development', () => {
    expectDecision([{ type: 'OrganizationRegistered', data: { developmentId: 'org', code: 'SCO', name: 'SCO' } }], recordTalks(), [held]);
  });
});
