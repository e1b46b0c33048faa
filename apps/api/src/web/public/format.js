// @ts-check
// Formatting: dates as people read them (partial dates keep their precision), country names, counts and lists.

export const DAY = 24 * 60 * 60 * 1000;
export const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
  timeZone: 'UTC',
});

/** @param {string | null | undefined} code @returns {string} */
export function countryName(code) {
  if (!code) return '';
  try {
    return /^[A-Za-z]{2}$/.test(code) ? (regionNames.of(code.toUpperCase()) ?? code) : code.toUpperCase();
  } catch {
    return code;
  }
}

/** The English name of a two-letter region code, or undefined when Intl does not know it. @param {string} code */
export const regionName = (code) => regionNames.of(code);

/** @param {string} partial @returns {number[]} */
const parts = (partial) => partial.split('-').map(Number);

/** `2024` | `2024-07` | `2024-07-03` → its first day as a UTC timestamp. @param {string} partial */
export function periodStart(partial) {
  const [year = 0, month = 1, day = 1] = parts(partial);
  return Date.UTC(year, month - 1, day);
}

/** The first day after the period (exclusive end). @param {string} partial */
export function periodEnd(partial) {
  const [year = 0, month, day] = parts(partial);
  if (day && month) return Date.UTC(year, month - 1, day + 1);
  if (month) return Date.UTC(year, month, 1);
  return Date.UTC(year + 1, 0, 1);
}

/** @param {string} partial @returns {'year' | 'month' | 'day'} */
export const precisionOf = (partial) => /** @type {const} */ (['year', 'month', 'day'])[partial.split('-').length - 1] ?? 'day';

/** @param {string | null | undefined} partial */
export function formatPartial(partial) {
  if (!partial) return '';
  const precision = precisionOf(partial);
  if (precision === 'day') return dayFormat.format(periodStart(partial));
  if (precision === 'month') return monthFormat.format(periodStart(partial));
  return partial;
}

/** @param {string} from @param {string | null | undefined} [to] */
export function formatPeriod(from, to) {
  if (!to || to === from) return formatPartial(from);
  if (precisionOf(from) === 'day' && precisionOf(to) === 'day') return dayFormat.formatRange(periodStart(from), periodStart(to));
  return `${formatPartial(from)} – ${formatPartial(to)}`;
}

/** @param {string} iso */
export const formatInstant = (iso) => `${instantFormat.format(new Date(iso))} UTC`;
export const today = () => new Date().toISOString().slice(0, 10);
/** @param {string} partial The first day of a partial date, as a date input wants it. */
export const dayOf = (partial) => new Date(periodStart(partial)).toISOString().slice(0, 10);
/** @param {number} count @param {string} one @param {string} [many] */
export const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
/** A value of the API's vocabulary (`dialogue-partner`, `not-invited`) in words. @param {string} value */
export const words = (value) => value.replace(/-/g, ' ');

/** @param {readonly string[]} codes @param {number} [max] */
export function listNames(codes, max = 8) {
  const names = codes.map(countryName);
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** For vis-timeline's tooltips, which are HTML. @param {string} text */
export const escapeHtml = (text) => text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);

/** A changed field's value in a correction, as text. @param {unknown} value @returns {string} */
export function describeValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return PARTIAL_DATE.test(value) ? formatPartial(value) : value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}
