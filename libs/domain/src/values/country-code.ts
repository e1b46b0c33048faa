import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json';

countries.registerLocale(english);

/** ISO 3166-1 alpha-2 or alpha-3, any case → alpha-2 upper case; undefined when it is no assigned country code. */
export function normalizeCountryCode(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const code = input.trim().toUpperCase();
  if (/^[A-Z]{2}$/.test(code)) return countries.isValid(code) ? code : undefined;
  if (/^[A-Z]{3}$/.test(code)) return countries.alpha3ToAlpha2(code) ?? undefined;
  return undefined;
}

/** Short names where the official one is not what newsrooms write. */
const COMMON_NAMES: Readonly<Record<string, string>> = {
  BO: 'Bolivia',
  CN: 'China',
  IR: 'Iran',
  KP: 'North Korea',
  KR: 'South Korea',
  LA: 'Laos',
  MD: 'Moldova',
  RU: 'Russia',
  SY: 'Syria',
  TZ: 'Tanzania',
  VE: 'Venezuela',
};

export const countryName = (alpha2: string): string =>
  COMMON_NAMES[alpha2] ?? countries.getName(alpha2, 'en', { select: 'official' }) ?? alpha2;

export const toAlpha3 = (alpha2: string): string => countries.alpha2ToAlpha3(alpha2) ?? alpha2;
