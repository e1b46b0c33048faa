import fc from 'fast-check';
import { documentMatches, prefixUpperBound, queryWords, searchTokens, textHasWords } from './search-words';

describe('search words', () => {
  it('folds case and accents into tokens of letters and digits', () => {
    expect(searchTokens('Réunion à GENÈVE, Zürich; co-opération 2024 Ärger')).toEqual([
      'reunion',
      'a',
      'geneve',
      'zurich',
      'co',
      'operation',
      '2024',
      'arger',
    ]);
  });

  it('keeps of a query only the words that add something, and nothing of its syntax', () => {
    expect(queryWords('talk TALKS "peace"* OR')).toEqual(['talks', 'peace', 'or']);
    expect(queryWords('% _ " * ( )')).toEqual([]);
  });

  it('bounds a prefix range in code point order', () => {
    expect(prefixUpperBound('abc')).toBe('abd');
    expect('abcz' < prefixUpperBound('abc') && 'abd' >= prefixUpperBound('abc')).toBe(true);
  });

  // SQLite's per-row check must mean exactly what the indexes mean, or a read would answer by its driver.
  it('checks a text on a row exactly as the index matches its tokens', () => {
    const alphabet = fc.constantFrom(...'aAeéÉüßİı1 -.\u0301𝐀x'.split(''), '𝐀', 'e\u0301');
    const text = fc.array(alphabet, { maxLength: 30 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(text, text, (document, query) => {
        const words = queryWords(query);
        expect(textHasWords(document, words)).toBe(documentMatches(searchTokens(document), words));
      }),
      { numRuns: 3000 },
    );
  });
});
