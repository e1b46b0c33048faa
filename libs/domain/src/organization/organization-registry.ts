/** Organizations every Annals store starts with, recorded as OrganizationRegistered events on first use. */
export interface BuiltInOrganization {
  readonly code: string;
  readonly name: string;
  readonly wikidataId: string;
}

export type MembershipCoverage = 'complete' | 'partial';

/**
 * Where Annals knows an organization's membership in full, the full members it has today (checked against the
 * sources in the product's seed facts; the sample dataset records each of them, with its accession date, since the
 * founding). The knowledge lives here, beside the organizations, rather than in the log: it is a reference the
 * record is measured against, not a development. So coverage is derived, never asserted: a record is `complete`
 * only when it holds every one of these as a full member today — a store that records NATO's two newest members
 * only, or none, says `partial`, and so does every organization without a reference.
 */
const KNOWN_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  // 12 founders (1949), then 1952, 1955, 1982, 1999, 2004, 2009, 2017, 2020, 2023 and 2024: 32.
  NATO: [
    'BE',
    'CA',
    'DK',
    'FR',
    'IS',
    'IT',
    'LU',
    'NL',
    'NO',
    'PT',
    'GB',
    'US',
    'GR',
    'TR',
    'DE',
    'ES',
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
  ],
  SCO: ['CN', 'KZ', 'KG', 'RU', 'TJ', 'UZ', 'IN', 'PK', 'IR', 'BY'],
  // Saudi Arabia's status stayed ambiguous: it is not counted.
  BRICS: ['BR', 'RU', 'IN', 'CN', 'ZA', 'EG', 'ET', 'IR', 'AE', 'ID'],
  ASEAN: ['ID', 'MY', 'PH', 'SG', 'TH', 'BN', 'VN', 'LA', 'MM', 'KH', 'TL'],
};

/** `complete` when the recorded full members today include every member Annals knows the organization has. */
export function membershipCoverage(organization: string, fullMembersToday: Iterable<string>): MembershipCoverage {
  const known = KNOWN_MEMBERS[organization];
  if (!known) return 'partial';
  const recorded = new Set(fullMembersToday);
  return known.every((country) => recorded.has(country)) ? 'complete' : 'partial';
}

export const BUILT_IN_ORGANIZATIONS: readonly BuiltInOrganization[] = [
  { code: 'UN', name: 'United Nations', wikidataId: 'Q1065' },
  { code: 'EU', name: 'European Union', wikidataId: 'Q458' },
  { code: 'NATO', name: 'North Atlantic Treaty Organization', wikidataId: 'Q7184' },
  { code: 'SCO', name: 'Shanghai Cooperation Organisation', wikidataId: 'Q485207' },
  { code: 'BRICS', name: 'BRICS', wikidataId: 'Q243630' },
  { code: 'ASEAN', name: 'Association of Southeast Asian Nations', wikidataId: 'Q7768' },
  { code: 'AU', name: 'African Union', wikidataId: 'Q7159' },
  { code: 'CSTO', name: 'Collective Security Treaty Organization', wikidataId: 'Q318693' },
  { code: 'G7', name: 'Group of Seven', wikidataId: 'Q1764511' },
  { code: 'G20', name: 'Group of Twenty', wikidataId: 'Q19771' },
  { code: 'EAEU', name: 'Eurasian Economic Union', wikidataId: 'Q4173083' },
  { code: 'OSCE', name: 'Organization for Security and Co-operation in Europe', wikidataId: 'Q81299' },
  { code: 'CIS', name: 'Commonwealth of Independent States', wikidataId: 'Q7779' },
  { code: 'GCC', name: 'Gulf Cooperation Council', wikidataId: 'Q217172' },
  { code: 'OPEC', name: 'Organization of the Petroleum Exporting Countries', wikidataId: 'Q7795' },
  { code: 'LAS', name: 'League of Arab States', wikidataId: 'Q7172' },
  { code: 'OAS', name: 'Organization of American States', wikidataId: 'Q123759' },
  { code: 'COE', name: 'Council of Europe', wikidataId: 'Q8908' },
  { code: 'WTO', name: 'World Trade Organization', wikidataId: 'Q7825' },
  { code: 'ECOWAS', name: 'Economic Community of West African States', wikidataId: 'Q193272' },
  { code: 'MERCOSUR', name: 'Southern Common Market', wikidataId: 'Q4264' },
  { code: 'APEC', name: 'Asia-Pacific Economic Cooperation', wikidataId: 'Q170481' },
  { code: 'OIC', name: 'Organisation of Islamic Cooperation', wikidataId: 'Q47543' },
  { code: 'COMMONWEALTH', name: 'Commonwealth of Nations', wikidataId: 'Q7785' },
];
