import { createHash } from 'node:crypto';
import { partialDate } from '@annals/domain';
import type { TimelineCursor, TimelineQuery, TimelineScope } from '@annals/application';
import { ProblemException } from '../http/problem';
import type { TimelineQueryDto } from './timeline-query.dto';

/**
 * Opaque keyset cursors: base64url of the last entry's sort key, the order it was read in, and a check over
 * both, so an altered cursor is refused instead of silently paging from somewhere else.
 */
export function encodeCursor(cursor: TimelineCursor, order: 'asc' | 'desc'): string {
  const payload = JSON.stringify([cursor.start, cursor.position, order]);
  return Buffer.from(JSON.stringify([payload, check(payload)])).toString('base64url');
}

const check = (payload: string) => createHash('sha256').update(`annals-cursor:${payload}`).digest('base64url').slice(0, 12);

function decodeCursor(text: string, order: 'asc' | 'desc'): TimelineCursor {
  const invalid = () =>
    new ProblemException('VALIDATION_FAILED', 'cursor is not one this service issued', [{ field: 'cursor', message: 'cursor is invalid' }]);
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw invalid();
  let parsed: unknown;
  try {
    const decoded = Buffer.from(text, 'base64url');
    if (decoded.toString('base64url') !== text) throw invalid();
    const [payload, sum] = JSON.parse(decoded.toString('utf8')) as [unknown, unknown];
    if (typeof payload !== 'string' || sum !== check(payload)) throw invalid();
    parsed = JSON.parse(payload);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [start, position, cursorOrder] = parsed as unknown[];
  if (typeof start !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(start) || !Number.isSafeInteger(position) || cursorOrder !== order)
    throw invalid();
  return { start, position: position as number };
}

export function parseInstant(text: string | undefined, field: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new ProblemException('VALIDATION_FAILED', `${field} must be an ISO instant`, [
      { field, message: `${field} must be an ISO instant` },
    ]);
  return ms;
}

/** From validated query parameters to the read store's query. */
export function timelineQuery(scope: TimelineScope, dto: TimelineQueryDto): TimelineQuery {
  const order = dto.order ?? 'asc';
  const fromDay = dto.from ? partialDate(dto.from).start : undefined;
  const toDay = dto.to ? partialDate(dto.to).end : undefined;
  if (fromDay && toDay && toDay < fromDay) {
    throw new ProblemException('VALIDATION_FAILED', 'to must not precede from', [{ field: 'to', message: 'to must not precede from' }]);
  }
  return {
    scope,
    ...(fromDay ? { fromDay } : {}),
    ...(toDay ? { toDay } : {}),
    ...(dto.kinds ? { kinds: dto.kinds } : {}),
    limit: dto.limit ?? 50,
    ...(dto.cursor ? { cursor: decodeCursor(dto.cursor, order) } : {}),
    order,
    ...(dto.asKnownAt ? { asKnownAt: parseInstant(dto.asKnownAt, 'asKnownAt') } : {}),
    includeRetracted: dto.includeRetracted === 'true',
  };
}
