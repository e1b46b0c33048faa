/** Organizations every Annals store starts with, recorded as OrganizationRegistered events on first use. */
export interface BuiltInOrganization {
  readonly code: string;
  readonly name: string;
  readonly wikidataId: string;
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
