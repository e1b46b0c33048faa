import type { AnyContent, DevelopmentKind } from '@annals/domain';
import { entryJson, timelineEntry, type EntryFacts } from './timeline-entry';

const facts = (kind: DevelopmentKind, flags: Partial<EntryFacts> = {}): EntryFacts => ({
  developmentId: '0b8e6a3e-6f1c-4d2e-9b7a-2f1e3c4d5a6b',
  kind,
  corrected: false,
  retracted: false,
  recordedAt: '2024-07-04T12:00:00.000Z',
  position: 42,
  ...flags,
});

const CONTENTS: Array<[DevelopmentKind, AnyContent]> = [
  [
    'meeting',
    {
      occurredOn: '2024-07-04',
      title: 'Xi, Putin meet in "Astana"\n',
      summary: 'On the sidelines — ünïcode \u2028 and \\ escapes',
      participants: [
        { name: 'Xi Jinping', country: 'CN' },
        { name: 'Vladimir Putin', country: 'RU' },
      ],
      location: { city: 'Astana', country: 'KZ' },
      organization: 'SCO',
      sources: [{ url: 'https://example.org/a', publisher: 'Example' }],
    },
  ],
  [
    'summit',
    { occurredOn: '2024-07', endsOn: '2024-07-05', title: 'SCO summit', organization: 'SCO', host: 'KZ', location: { country: 'KZ' } },
  ],
  ['membership-approval', { occurredOn: '2023', title: 'Iran joins', organization: 'SCO', country: 'IR', status: 'member' }],
  ['membership-ending', { occurredOn: '2022-03-16', title: 'Russia leaves', organization: 'COE', country: 'RU', reason: 'expulsion' }],
  ['presidency-handover', { occurredOn: '2024-07-04', title: 'Chair to China', organization: 'SCO', from: 'KZ', to: 'CN' }],
  [
    'peace-summit',
    {
      occurredOn: '2024-06-15',
      endsOn: '2024-06-16',
      title: 'Summit on Peace in Ukraine',
      host: 'CH',
      location: { city: 'Bürgenstock', country: 'CH' },
      attendees: ['UA', 'CH', 'DE', 'CH'],
      absentees: [
        { country: 'RU', reason: 'not-invited' },
        { country: 'CN', reason: 'declined' },
      ],
    },
  ],
] as Array<[DevelopmentKind, AnyContent]>;

/** The documented order of an entry's keys (the answer's schema). */
const ORDER = [
  'developmentId',
  'kind',
  'occurredOn',
  'endsOn',
  'precision',
  'title',
  'summary',
  'countries',
  'roles',
  'organizations',
  'location',
  'corrected',
  'retracted',
  'recordedAt',
  'position',
];

describe('timeline entries', () => {
  it.each(CONTENTS)('writes a %s entry as JSON.stringify would, keys in the documented order', (kind, content) => {
    for (const flags of [{}, { corrected: true }, { retracted: true, position: 9_007_199_254_740_991 }]) {
      const entry = timelineEntry(facts(kind, flags), content);
      const json = entryJson(entry);
      const ordered = Object.fromEntries(ORDER.filter((key) => key in entry).map((key) => [key, entry[key as keyof typeof entry]]));
      expect(json).toBe(JSON.stringify(ordered));
      expect(JSON.parse(json)).toEqual(entry);
      expect(Object.keys(JSON.parse(json) as object)).toEqual(ORDER.filter((key) => key in entry));
    }
  });

  it('derives precision, countries and roles from the content', () => {
    const [, meeting] = CONTENTS[0]!;
    const entry = timelineEntry(facts('meeting'), meeting);
    expect(entry).toMatchObject({ precision: 'day', countries: ['CN', 'KZ', 'RU'], organizations: ['SCO'] });
    expect(entry.roles).toEqual([
      { country: 'CN', role: 'participant' },
      { country: 'RU', role: 'participant' },
      { country: 'KZ', role: 'location' },
    ]);
    const [, summit] = CONTENTS[1]!;
    expect(timelineEntry(facts('summit'), summit)).toMatchObject({ precision: 'month', countries: ['KZ'], endsOn: '2024-07-05' });
    const [, approval] = CONTENTS[2]!;
    const yearOnly = timelineEntry(facts('membership-approval'), approval);
    expect(yearOnly.precision).toBe('year');
    expect('summary' in yearOnly || 'endsOn' in yearOnly || 'location' in yearOnly).toBe(false);
    const [, peace] = CONTENTS[5]!;
    expect(timelineEntry(facts('peace-summit'), peace).countries).toEqual(['CH', 'CN', 'DE', 'RU', 'UA']);
  });

  it('refuses a stored date that is not a partial date, as it always did', () => {
    expect(() => timelineEntry(facts('membership-approval'), { ...CONTENTS[2]![1], occurredOn: '24' })).toThrow('Not a partial date');
  });
});
