export type DatePrecision = 'year' | 'month' | 'day';

/** A date known to a year, a month or a day. It counts from the first day of its period. */
export interface PartialDate {
  /** As given and as shown: `2024`, `2024-07` or `2024-07-04`. Never padded. */
  readonly value: string;
  readonly precision: DatePrecision;
  /** First day of the period, `YYYY-MM-DD`: the key for ordering, as-of questions and invariants. */
  readonly start: string;
  /** First day after the period, `YYYY-MM-DD`. */
  readonly endExclusive: string;
}

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

export function parsePartialDate(text: string): PartialDate | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1) return undefined;
  if (match[2] === undefined) {
    return { value: text, precision: 'year', start: `${match[1]}-01-01`, endExclusive: `${pad(year + 1, 4)}-01-01` };
  }
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  const nextMonth = month === 12 ? `${pad(year + 1, 4)}-01-01` : `${match[1]}-${pad(month + 1)}-01`;
  if (match[3] === undefined) {
    return { value: text, precision: 'month', start: `${match[1]}-${match[2]}-01`, endExclusive: nextMonth };
  }
  const day = Number(match[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return {
    value: text,
    precision: 'day',
    start: text,
    endExclusive: `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`,
  };
}

/** For values already validated at the edge. */
export function partialDate(text: string): PartialDate {
  const parsed = parsePartialDate(text);
  if (!parsed) throw new Error(`Not a partial date: ${text}`);
  return parsed;
}

export const isPartialDate = (text: unknown): text is string => typeof text === 'string' && parsePartialDate(text) !== undefined;

/** The first day of a partial date's period. */
export const startOf = (text: string): string => partialDate(text).start;
