import { DomainError, type FieldError } from '../errors';
import { parseChanges, parseRecording, parseSources } from './validation';

/** The refusal's code and the fields it names, as the API answers 400. */
function refusalOf(parse: () => unknown): { code: string; fields: string[] } {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, fields: (error.errors ?? []).map((e: FieldError) => e.field) };
  }
  throw new Error('expected a refusal');
}

const talks = {
  occurredOn: '2024-07-03',
  title: 'Talks in Astana',
  participants: [
    { name: 'Xi Jinping', country: 'chn' },
    { name: 'Vladimir Putin', country: 'RUS' },
  ],
  location: { city: 'Astana', country: 'kz' },
  organization: 'sco',
};

describe('parseRecording', () => {
  it('normalizes countries to alpha-2 and organization codes to upper case', () => {
    expect(parseRecording('meeting', talks)).toEqual({
      development: {
        kind: 'meeting',
        content: {
          occurredOn: '2024-07-03',
          title: 'Talks in Astana',
          participants: [
            { name: 'Xi Jinping', country: 'CN' },
            { name: 'Vladimir Putin', country: 'RU' },
          ],
          location: { city: 'Astana', country: 'KZ' },
          organization: 'SCO',
        },
      },
    });
  });

  it("applies the kind's defaults: an approval is of a member unless it says otherwise", () => {
    const joins = { occurredOn: '2024-07-04', title: 'Belarus joins', organization: 'sco', country: 'blr' };
    expect(parseRecording('membership-approval', joins).development.content).toEqual({
      ...joins,
      organization: 'SCO',
      country: 'BY',
      status: 'member',
    });
    expect(parseRecording('membership-approval', { ...joins, status: 'observer' }).development.content).toMatchObject({
      status: 'observer',
    });
  });

  it("keeps the client's id apart from the content", () => {
    const id = '6f1c1f7e-3f5b-4c8e-9a3b-2c1d0e9f8a7b';
    expect(parseRecording('meeting', { ...talks, id })).toMatchObject({ id, development: { kind: 'meeting' } });
    expect(parseRecording('meeting', { ...talks, id }).development.content).not.toHaveProperty('id');
  });

  it('names each invalid field by its path', () => {
    expect(
      refusalOf(() => parseRecording('meeting', { ...talks, participants: [{ name: 'Xi', country: 'XX' }, talks.participants[1]] })),
    ).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['participants.0.country'],
    });
    expect(refusalOf(() => parseRecording('meeting', { ...talks, occurredOn: '2024-02-30', title: '' })).fields.sort()).toEqual([
      'occurredOn',
      'title',
    ]);
    expect(refusalOf(() => parseRecording('meeting', { ...talks, id: 'not-a-uuid' })).fields).toEqual(['id']);
    expect(
      refusalOf(() =>
        parseRecording('membership-approval', { occurredOn: '2024', title: 'x', organization: 'SCO', country: 'BY', status: 'friend' }),
      ).fields,
    ).toEqual(['status']);
  });

  it('names unknown fields, nested ones included', () => {
    expect(refusalOf(() => parseRecording('meeting', { ...talks, mood: 'tense' }))).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['mood'],
    });
    expect(refusalOf(() => parseRecording('meeting', { ...talks, location: { city: 'Astana', planet: 'Earth' } })).fields).toEqual([
      'location.planet',
    ]);
  });

  it('refuses what is not an object, and missing required fields', () => {
    for (const body of [null, [], 'meeting', 42])
      expect(refusalOf(() => parseRecording('meeting', body))).toEqual({ code: 'VALIDATION_FAILED', fields: ['body'] });
    expect(refusalOf(() => parseRecording('peace-summit', { occurredOn: '2024-06-15', title: 'Summit' })).fields.sort()).toEqual([
      'attendees',
      'host',
    ]);
  });

  it('counts lengths in characters as people do', () => {
    expect(() => parseRecording('meeting', { ...talks, title: '😀'.repeat(200) })).not.toThrow();
    expect(refusalOf(() => parseRecording('meeting', { ...talks, title: '😀'.repeat(201) })).fields).toEqual(['title']);
  });
});

describe('parseChanges', () => {
  it('validates only the fields a correction names, normalized, without applying defaults', () => {
    expect(parseChanges('membership-approval', { country: 'kaz' })).toEqual({ country: 'KZ' });
    expect(parseChanges('membership-approval', { title: 'Kazakhstan joins' })).not.toHaveProperty('status');
    expect(parseChanges('meeting', { participants: talks.participants })).toEqual({
      participants: [
        { name: 'Xi Jinping', country: 'CN' },
        { name: 'Vladimir Putin', country: 'RU' },
      ],
    });
  });

  it('names invalid and unknown fields under changes', () => {
    expect(refusalOf(() => parseChanges('meeting', { occurredOn: '2024-13' }))).toEqual({
      code: 'VALIDATION_FAILED',
      fields: ['changes.occurredOn'],
    });
    expect(refusalOf(() => parseChanges('meeting', { mood: 'tense' })).fields).toEqual(['changes.mood']);
    expect(
      refusalOf(() => parseChanges('meeting', { participants: [{ name: 'Xi', country: 'XX' }, talks.participants[1]] })).fields,
    ).toEqual(['changes.participants.0.country']);
  });
});

describe('parseSources', () => {
  it('validates the sources a correction cites, naming the source at fault', () => {
    expect(parseSources([{ url: 'https://tass.com/world/1811995', title: 'TASS' }])).toEqual([
      { url: 'https://tass.com/world/1811995', title: 'TASS' },
    ]);
    expect(refusalOf(() => parseSources([{ title: 'no url, no publisher' }])).fields).toEqual(['sources.0.url']);
    expect(refusalOf(() => parseSources([{ url: 'ftp://example.com' }])).fields).toEqual(['sources.0.url']);
  });
});
