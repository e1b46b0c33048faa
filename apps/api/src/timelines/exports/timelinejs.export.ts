import { countryName, partialDate, rolesOf, type Role, type Source } from '@annals/domain';
import type { ExportRow, TimelineExporter } from './timeline-export';

/** TimelineJS3 date object: numbers (its JSON format documents them as numbers), only the parts that are known. */
interface TimelineJsDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

interface TimelineJsText {
  readonly headline: string;
  readonly text: string;
}

interface TimelineJsSlide {
  readonly start_date: TimelineJsDate;
  readonly end_date?: TimelineJsDate;
  readonly text: TimelineJsText;
  readonly group: string;
  readonly unique_id: string;
  readonly display_date?: string;
  readonly autolink: boolean;
}

export interface TimelineJsDocument {
  readonly title: { readonly text: TimelineJsText };
  readonly events: readonly TimelineJsSlide[];
}

/** A partial date as TimelineJS parts: a year-precision date has no month, so TimelineJS shows only the year. */
function date(text: string): TimelineJsDate {
  const { precision, start } = partialDate(text);
  const [year, month, day] = start.split('-').map(Number);
  if (precision === 'year') return { year: year! };
  if (precision === 'month') return { year: year!, month: month! };
  return { year: year!, month: month!, day: day! };
}

/** TimelineJS puts headline and text into the page as HTML: everything recorded is text and must stay text. */
const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Only http(s) links become anchors: escaping alone would let a `javascript:` URL through as a link. */
function webUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function sourceItem(source: Source): string {
  const label = escapeHtml(
    [source.title ?? source.publisher ?? source.url ?? 'Source', source.title ? source.publisher : undefined, source.publishedOn]
      .filter(Boolean)
      .join(', '),
  );
  const href = webUrl(source.url);
  return `<li>${href ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>` : label}</li>`;
}

/** Who was there and who was not, in words: "Host: …", "Attended: …", "Absent: … (declined)". */
function whoWasThere(row: ExportRow): string {
  const { development } = row;
  const roles = rolesOf(development);
  const named = (role: Role) => roles.filter((r) => r.role === role).map((r) => countryName(r.country));
  const absence = new Map(
    development.kind === 'peace-summit' ? (development.content.absentees ?? []).map((a) => [a.country, a.reason] as const) : [],
  );
  const absent = roles
    .filter((r) => r.role === 'absentee')
    .map((r) => `${countryName(r.country)}${absence.has(r.country) ? ` (${absence.get(r.country)!.replace('-', ' ')})` : ''}`);
  const lines: Array<[string, string[]]> = [
    ['Participants', named('participant')],
    ['Host', named('host')],
    ['Attended', named('attendee')],
    ['Absent (did not attend)', absent],
  ];
  return lines
    .filter(([, names]) => names.length > 0)
    .map(([label, names]) => `<p>${label}: ${escapeHtml(names.join(', '))}</p>`)
    .join('');
}

function body(summary: string | undefined, sources: readonly Source[], row: ExportRow): string {
  const parts = [
    summary ? `<p>${escapeHtml(summary)}</p>` : '',
    whoWasThere(row),
    sources.length ? `<p>Sources:</p><ul>${sources.map(sourceItem).join('')}</ul>` : '',
  ];
  return parts.join('');
}

function slide(row: ExportRow): TimelineJsSlide {
  const { entry } = row;
  const sources = row.development.content.sources ?? [];
  return {
    start_date: date(entry.occurredOn),
    ...(entry.endsOn ? { end_date: date(entry.endsOn) } : {}),
    text: { headline: escapeHtml(entry.title), text: body(entry.summary, sources, row) },
    group: entry.organizations[0] ?? entry.kind,
    unique_id: entry.developmentId,
    // Shown as recorded ("2024", "2024-07"), so a month- or year-precise date is not read as a particular day.
    ...(entry.precision === 'day' ? {} : { display_date: entry.occurredOn }),
    // The links are written above; TimelineJS's own autolinking would only rewrite what is already escaped.
    autolink: false,
  };
}

/**
 * Knight Lab TimelineJS3 JSON. Retracted developments are left out, as in the calendar: a slide has no way to
 * say "this did not happen as recorded", and a story timeline would present it as fact.
 */
export const timelineJsExport: TimelineExporter = (rows, title) => {
  const events = rows.filter((row) => !row.entry.retracted).map(slide);
  const document: TimelineJsDocument = {
    title: { text: { headline: escapeHtml(title), text: `<p>${events.length} development${events.length === 1 ? '' : 's'}</p>` } },
    events,
  };
  return { contentType: 'application/json; charset=utf-8', extension: 'json', body: JSON.stringify(document) };
};
