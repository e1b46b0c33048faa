import { countryName, normalizeCountryCode, toAlpha3 } from './country-code';

describe('country codes', () => {
  it('accepts alpha-2 and alpha-3 in any case and answers alpha-2 upper case', () => {
    expect(['by', 'BLR', 'blr', 'By'].map(normalizeCountryCode)).toEqual(['BY', 'BY', 'BY', 'BY']);
    expect(toAlpha3('CN')).toBe('CHN');
    expect(countryName('CN')).toBe('China');
  });

  it('rejects what is not an assigned code', () => {
    expect(['XX', 'ZZZ', '12', 'B', 'CHINA', '', 42, null].map(normalizeCountryCode)).toEqual(Array(8).fill(undefined));
  });
});
