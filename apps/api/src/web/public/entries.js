// @ts-check
// Who took part in a development, from its roles.

/** @typedef {import('./api.js').TimelineEntry} TimelineEntry */

/**
 * The countries of an entry in a role, from its `roles` (every country, in no role, for an older answer).
 * @param {TimelineEntry} entry @param {...string} wanted @returns {string[]}
 */
const inRole = (entry, ...wanted) =>
  entry.roles
    ? [...new Set(entry.roles.filter((r) => wanted.includes(r.role)).map((r) => r.country))]
    : wanted.includes('participant')
      ? entry.countries
      : [];

/** Countries that took part (never an absentee), and those that were absent. @param {TimelineEntry} entry */
export function presentAndAbsent(entry) {
  const absent = inRole(entry, 'absentee');
  const present = inRole(entry, 'participant', 'host', 'attendee', 'member', 'from', 'to').filter((code) => !absent.includes(code));
  return { present, absent };
}
