import { createEvents, type DateArray, type EventAttributes } from 'ics';
import { countryName, partialDate, type Source } from '@annals/domain';
import type { ExportRow, TimelineExporter } from './timeline-export';

/** `YYYY-MM-DD` → `[y, m, d]`: three parts is what makes the ics library write a date-only `VALUE=DATE`. */
const dateArray = (day: string): DateArray => {
  const [year, month, date] = day.split('-').map(Number);
  return [year!, month!, date!];
};

const sourceLine = (source: Source): string => {
  const label = [source.title, source.publisher, source.publishedOn].filter(Boolean).join(', ');
  return `- ${[label, source.url].filter(Boolean).join(': ')}`;
};

function description(summary: string | undefined, sources: readonly Source[]): string | undefined {
  const parts = [summary, sources.length ? ['Sources:', ...sources.map(sourceLine)].join('\n') : undefined];
  const text = parts.filter(Boolean).join('\n\n');
  return text === '' ? undefined : text;
}

/**
 * The ics library refuses a whole calendar over one URL its pattern rejects (anything but a lower-case host,
 * for one). Calendar clients only need http(s) links anyway, so a URL is kept in its normalized form when
 * it looks like one the library accepts; every source URL still appears in the description.
 */
const HOST = /^[a-z0-9]+(?:-+[a-z0-9]+)*(?:\.[a-z0-9]+(?:-+[a-z0-9]+)*)*$/;
function calendarUrl(sources: readonly Source[]): string | undefined {
  const first = sources.find((source) => source.url)?.url;
  if (!first) return undefined;
  try {
    const url = new URL(first);
    const ok = (url.protocol === 'https:' || url.protocol === 'http:') && HOST.test(url.hostname) && !/\s/.test(url.href);
    return ok ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function location(place: ExportRow['entry']['location']): string | undefined {
  const text = [place?.city, place?.country ? countryName(place.country) : undefined].filter(Boolean).join(', ');
  return text === '' ? undefined : text;
}

function event(row: ExportRow): EventAttributes {
  const { entry } = row;
  const sources = row.development.content.sources ?? [];
  const url = calendarUrl(sources);
  const where = location(entry.location);
  const about = description(entry.summary, sources);
  return {
    uid: `${entry.developmentId}@annals`,
    title: entry.title,
    // All-day: a date-only start, read and written as a floating local date, so no time zone shifts the day.
    start: dateArray(partialDate(entry.occurredOn).start),
    startInputType: 'local',
    startOutputType: 'local',
    // DTEND of an all-day event is exclusive (RFC 5545 3.6.1): the first day after the end. An end known only
    // to a month or a year ends with that period, which is what the partial date's endExclusive gives.
    end: dateArray(partialDate(entry.endsOn ?? entry.occurredOn).endExclusive),
    ...(about ? { description: about } : {}),
    ...(url ? { url } : {}),
    ...(where ? { location: where } : {}),
    categories: [entry.kind, ...entry.organizations],
  };
}

/**
 * A calendar of what happened on known days: developments dated only to a month or a year have no day to sit on,
 * and retracted ones did not happen as recorded, so both are left out.
 */
export const icsExport: TimelineExporter = (rows, title) => {
  const events = rows.filter((row) => row.entry.precision === 'day' && !row.entry.retracted).map(event);
  const { error, value } = createEvents(events, { productId: 'annals/timeline', calName: title });
  if (error || value === null) throw error ?? new Error('The ics library produced no calendar');
  return { contentType: 'text/calendar; charset=utf-8', extension: 'ics', body: value };
};
