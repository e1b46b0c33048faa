import { rolesOf, toAlpha3, type Development, type Role, type Source } from '@annals/domain';
import type { ExportRow, TimelineExporter } from './timeline-export';

const COLUMNS = [
  'development_id',
  'kind',
  'occurred_on',
  'ends_on',
  'precision',
  'title',
  'summary',
  'cameo_root_code',
  'cameo_root_label',
  'actor1_iso3',
  'actor2_iso3',
  'countries_iso3',
  'participants_iso3',
  'hosts_iso3',
  'attendees_iso3',
  'absentees_iso3',
  'members_iso3',
  'from_iso3',
  'to_iso3',
  'organizations',
  'location_city',
  'location_country_iso3',
  'sources',
  'source_count',
  'corrected',
  'retracted',
  'recorded_at',
  'position',
] as const;
type Column = (typeof COLUMNS)[number];

/**
 * A cell is either a value this exporter produces itself (dates, codes, counts, booleans: safe as they are)
 * or free text someone typed, which is the only thing that can smuggle a spreadsheet formula in.
 */
type Cell = string | { readonly text: string };

/**
 * CAMEO root codes, so the rows can be read next to GDELT/ICEWS-style event data.
 * Meetings, summits and peace summits are all "meet / host a visit", which CAMEO files under 04 Consult;
 * joining an organization or handing its presidency on is institutional diplomatic cooperation (05);
 * leaving, being suspended or being expelled all lower the level of relations (16 Reduce relations).
 */
const CAMEO: Record<Development['kind'], { readonly code: string; readonly label: string }> = {
  meeting: { code: '04', label: 'Consult' },
  summit: { code: '04', label: 'Consult' },
  'peace-summit': { code: '04', label: 'Consult' },
  'membership-approval': { code: '05', label: 'Engage in diplomatic cooperation' },
  'presidency-handover': { code: '05', label: 'Engage in diplomatic cooperation' },
  'membership-ending': { code: '16', label: 'Reduce relations' },
};

/**
 * The dyad in CAMEO terms: who acts, and towards whom (empty when the other side is the organization). Only
 * countries that took part act: an absentee of a peace summit is in `absentees_iso3`, never an actor.
 */
function actors(development: Development): readonly [string | undefined, string | undefined] {
  switch (development.kind) {
    case 'meeting': {
      // Distinct countries: two officials of one side meeting a third would otherwise make a dyad with itself.
      const countries = [...new Set(development.content.participants.map((p) => p.country))];
      return [countries[0], countries[1]];
    }
    case 'summit':
    case 'peace-summit':
      return [development.content.host, undefined];
    case 'membership-approval':
    case 'membership-ending':
      return [development.content.country, undefined];
    case 'presidency-handover':
      return [development.content.from, development.content.to];
  }
}

const iso3 = (alpha2: string | undefined): string => (alpha2 ? toAlpha3(alpha2) : '');

/** A source as one token: its URL when it has one, else who published it, else its title. */
const sourceToken = (source: Source): string => source.url ?? source.publisher ?? source.title ?? '';

function cells(row: ExportRow): Record<Column, Cell> {
  const { entry } = row;
  // The content is the development's full content of its kind, as validated when it was recorded.
  const { development } = row;
  const [actor1, actor2] = actors(development);
  const sources = development.content.sources ?? [];
  const cameo = CAMEO[entry.kind];
  // One column per role, from the one reading of roles in the domain.
  const roles = rolesOf(development);
  const inRole = (role: Role): string =>
    roles
      .filter((r) => r.role === role)
      .map((r) => toAlpha3(r.country))
      .join(';');
  return {
    development_id: entry.developmentId,
    kind: entry.kind,
    occurred_on: entry.occurredOn,
    ends_on: entry.endsOn ?? '',
    precision: entry.precision,
    title: { text: entry.title },
    summary: { text: entry.summary ?? '' },
    cameo_root_code: cameo.code,
    cameo_root_label: cameo.label,
    actor1_iso3: iso3(actor1),
    actor2_iso3: iso3(actor2),
    countries_iso3: entry.countries.map(toAlpha3).join(';'),
    participants_iso3: inRole('participant'),
    hosts_iso3: inRole('host'),
    attendees_iso3: inRole('attendee'),
    absentees_iso3: inRole('absentee'),
    members_iso3: inRole('member'),
    from_iso3: inRole('from'),
    to_iso3: inRole('to'),
    organizations: { text: entry.organizations.join(';') },
    location_city: { text: entry.location?.city ?? '' },
    location_country_iso3: iso3(entry.location?.country),
    sources: {
      text: sources
        .map(sourceToken)
        .filter((token) => token !== '')
        .join(';'),
    },
    source_count: String(sources.length),
    corrected: String(entry.corrected),
    retracted: String(entry.retracted),
    recorded_at: entry.recordedAt,
    position: entry.position,
  };
}

/**
 * Spreadsheets run a cell starting with one of these as a formula (CSV injection, OWASP);
 * a leading apostrophe makes them show it as text instead.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: quote a field holding a comma, a quote or a line break, and double the quotes inside. */
function field(cell: Cell): string {
  const value = typeof cell === 'string' ? cell : FORMULA_START.test(cell.text) ? `'${cell.text}` : cell.text;
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const line = (values: readonly Cell[]): string => values.map(field).join(',');

export const csvExport: TimelineExporter = (rows) => {
  const lines = [
    line(COLUMNS),
    ...rows.map((row) => {
      const byColumn = cells(row);
      return line(COLUMNS.map((column) => byColumn[column]));
    }),
  ];
  // RFC 4180 ends every record, the last one included, with CRLF.
  return { contentType: 'text/csv; charset=utf-8', extension: 'csv', body: lines.map((l) => `${l}\r\n`).join('') };
};
