import { membershipCoverage } from './organization-registry';

describe('membership coverage', () => {
  const nato = ['BE', 'CA', 'DK', 'FR', 'IS', 'IT', 'LU', 'NL', 'NO', 'PT', 'GB', 'US', 'GR', 'TR', 'DE', 'ES'].concat([
    'CZ',
    'HU',
    'PL',
    'BG',
    'EE',
    'LV',
    'LT',
    'RO',
    'SK',
    'SI',
    'AL',
    'HR',
    'ME',
    'MK',
    'FI',
    'SE',
  ]);

  it('is complete only when every member Annals knows of is recorded', () => {
    expect(membershipCoverage('NATO', nato)).toBe('complete');
    expect(membershipCoverage('NATO', ['FI', 'SE'])).toBe('partial');
    expect(membershipCoverage('NATO', [])).toBe('partial');
  });

  it('is partial for an organization without a reference membership', () => {
    expect(membershipCoverage('EU', ['FR', 'DE'])).toBe('partial');
    expect(membershipCoverage('CICA', [])).toBe('partial');
  });
});
