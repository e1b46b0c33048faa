export type DatePrecision = 'year' | 'month' | 'day';

/** A date known to a year, a month or a day. It counts from the first day of its period. */
export interface PartialDate {
  /** As given and as shown: `2024`, `2024-07` or `2024-07-04`. Never padded. */
  readonly value: string;
  readonly precision: DatePrecision;
  /** First day of the period, `YYYY-MM-DD`: the key for ordering, as-of questions and invariants. */
  readonly start: string;
  /** Last day of the period, `YYYY-MM-DD` (inclusive: it compares as text for every year 0001–9999). */
  readonly end: string;
  /** First day after the period, `YYYY-MM-DD` (for iCalendar's exclusive DTEND; year 10000 after 9999-12-31). */
  readonly endExclusive: string;
}

const PATTERN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysInMonth = (year: number, month: number) => {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
};

/** A UTC date that is safe for years 0–99 too (Date.UTC would read them as 1900–1999). */
function utcDay(year: number, month: number, day: number): string {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function parsePartialDate(text: string): PartialDate | undefined {
  const match = PATTERN.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (year < 1) return undefined;
  const period = (start: string, end: string, precision: DatePrecision): PartialDate => {
    const [y, m, d] = end.split('-').map(Number) as [number, number, number];
    return { value: text, precision, start, end, endExclusive: utcDay(y, m, d + 1) };
  };
  if (match[2] === undefined) return period(`${match[1]}-01-01`, `${match[1]}-12-31`, 'year');
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  if (match[3] === undefined)
    return period(`${match[1]}-${match[2]}-01`, `${match[1]}-${match[2]}-${pad(daysInMonth(year, month))}`, 'month');
  const day = Number(match[3]);
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  return period(text, text, 'day');
}

/** For values already validated at the edge. */
export function partialDate(text: string): PartialDate {
  const parsed = parsePartialDate(text);
  if (!parsed) throw new Error(`Not a partial date: ${text}`);
  return parsed;
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The same judgement as parsePartialDate, without building the period (it runs on every recorded date). */
export function isPartialDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const match = PATTERN.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  if (year < 1) return false;
  if (match[2] === undefined) return true;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return false;
  if (match[3] === undefined) return true;
  const day = Number(match[3]);
  return day >= 1 && day <= (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]!);
}

/** The first day of a partial date's period. */
export const startOf = (text: string): string => partialDate(text).start;
