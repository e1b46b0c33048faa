import { isPartialDate } from '@annals/domain';
import { EXPORT_FORMATS, KINDS_PATTERN, TimelineQueryDto } from './timeline-query.dto';

/**
 * Each test accepts a subset of what the DTO's decorators accept (never more), for parameters given once as
 * text; `limit` is converted as the DTO's transform converts it.
 */
const PLAIN: Readonly<Record<string, (value: string) => boolean>> = {
  from: isPartialDate,
  to: isPartialDate,
  kind: (value) => KINDS_PATTERN.test(value),
  limit: (value) => /^[1-9]\d{0,2}$/.test(value) && Number(value) <= 500,
  // class-validator counts a surrogate pair as one character: a length within the bound is within it there too.
  cursor: (value) => value.length <= 500,
  order: (value) => value === 'asc' || value === 'desc',
  includeRetracted: (value) => value === 'true' || value === 'false',
  format: (value) => (EXPORT_FORMATS as readonly string[]).includes(value),
  minPosition: (value) => value.length <= 40,
};

/**
 * The timeline query of a plain request (`?limit=50&from=2005`), checked without class-transformer and
 * class-validator, which cost more than the rest of the request's validation together (~50 µs). Anything it
 * does not vouch for (an unknown or repeated parameter, `asKnownAt`, a value out of bounds) is undefined: the
 * global pipe then validates it as before and words the problem.
 */
export function plainTimelineQuery(value: unknown): TimelineQueryDto | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields: Record<string, string | number> = {};
  for (const [key, text] of Object.entries(value)) {
    const test = Object.hasOwn(PLAIN, key) ? PLAIN[key] : undefined;
    if (!test || typeof text !== 'string' || !test(text)) return undefined;
    fields[key] = key === 'limit' ? Number(text) : text;
  }
  return Object.assign(new TimelineQueryDto(), fields);
}
