// @ts-check
// What the timeline draws: memberships and presidencies as ranges (the periods the service serves, with the
// developments that opened them), summits with an end as ranges, the rest as points.
import { el } from './dom.js';
import { DAY, countryName, escapeHtml, formatPartial, formatPeriod, listNames, periodEnd, periodStart, words } from './format.js';
import { presentAndAbsent } from './entries.js';
import { coverageOf, kindLabel, state } from './state.js';

/** @typedef {import('vis-timeline').DataItem} TimelineItem */
/** A group, ordered by `order` (`groupOrder: 'order'`), which the declarations do not list. @typedef {import('vis-timeline').DataGroup & { order: number }} TimelineGroup */
/** @typedef {import('./state.js').Shown} Shown */
/** @typedef {import('./api.js').TimelineEntry} TimelineEntry */
/** @typedef {import('./api.js').MembershipPeriod} MembershipPeriod */

/** @param {string} text */
export const itemContent = (text) => el('span', { className: 'item-label' }, text);

/** @param {string} name @param {{ status?: string } | undefined} member */
const memberLabel = (name, member) => (member?.status && member.status !== 'member' ? `${name} (${words(member.status)})` : name);

/** @param {TimelineEntry} entry @param {string} group @returns {TimelineItem} */
function developmentItem(entry, group) {
  const { spans, developments } = state.timeline;
  const start = new Date(periodStart(entry.occurredOn));
  const { absent } = presentAndAbsent(entry);
  const absence = absent.length ? `<br>Absent (did not attend): ${escapeHtml(listNames(absent))}` : '';
  const tooltip = `<strong>${escapeHtml(entry.title)}</strong><br>${escapeHtml(formatPeriod(entry.occurredOn, entry.endsOn))} · ${escapeHtml(kindLabel(entry.kind))}${absence}`;
  if (entry.endsOn && periodEnd(entry.endsOn) - start.getTime() > DAY)
    spans.set(entry.developmentId, { start: start.getTime(), end: periodEnd(entry.endsOn) });
  developments.set(entry.developmentId, entry.developmentId);
  return {
    id: entry.developmentId,
    group,
    // vis-timeline takes an element as content; its declarations say strings only.
    content: /** @type {string} */ (/** @type {unknown} */ (itemContent(entry.title))),
    title: tooltip,
    start,
    className: `kind-${entry.kind}${entry.corrected ? ' is-corrected' : ''}`,
    type: 'box',
  };
}

/** @param {string} id @param {string} name @param {string} code @param {number} start @param {number} end */
function labelRange(id, name, code, start, end) {
  state.timeline.labels.set(id, { name, code, start, end, shown: name });
  return /** @type {string} */ (/** @type {unknown} */ (itemContent(name)));
}

/**
 * Presidency terms and their gaps (a term that ended before anyone is known to follow: the gap is shown, not bridged).
 * @param {import('./api.js').PresidencyTerm[]} chain @param {Set<string>} used @param {TimelineItem[]} items @param {number} now
 */
function presidencyItems(chain, used, items, now) {
  for (const term of chain) {
    used.add(term.openedBy);
    const end = term.to ? periodStart(term.to) : Math.max(now, periodStart(term.from) + DAY);
    const name = countryName(term.country);
    items.push({
      id: term.openedBy,
      group: 'presidency',
      type: 'range',
      start: new Date(periodStart(term.from)),
      end: new Date(end),
      content: labelRange(term.openedBy, name, term.country, periodStart(term.from), end),
      title: `${escapeHtml(name)} holds the presidency: ${escapeHtml(formatPartial(term.from))} – ${term.to ? escapeHtml(formatPartial(term.to)) : 'today'}`,
      className: 'kind-presidency-handover derived',
    });
    state.timeline.developments.set(term.openedBy, term.openedBy);
  }
  for (const [index, term] of chain.entries()) {
    if (!term.to) continue;
    const gapStart = periodStart(term.to);
    const next = chain.slice(index + 1).find((later) => periodStart(later.from) >= gapStart);
    const gapEnd = next ? periodStart(next.from) : Math.max(now, gapStart + DAY);
    if (gapEnd - gapStart < DAY) continue;
    items.push({
      id: `presidency-gap:${term.to}`,
      group: 'presidency',
      type: 'background',
      start: new Date(gapStart),
      end: new Date(gapEnd),
      content: /** @type {string} */ (/** @type {unknown} */ (itemContent('no known holder'))),
      title: `No known holder of the presidency from ${escapeHtml(formatPartial(term.to))}`,
      className: 'presidency-gap',
    });
  }
}

/**
 * A membership range runs over its period: from the approval's effective date to the ending, or to today.
 * @param {{ periods: MembershipPeriod[], entries: TimelineEntry[], keyOf: (period: MembershipPeriod) => string,
 *   label: (key: string, period: MembershipPeriod) => string, used: Set<string>, items: TimelineItem[], now: number }} input
 */
function membershipItems({ periods, entries, keyOf, label, used, items, now }) {
  const byId = new Map(entries.map((entry) => [entry.developmentId, entry]));
  for (const period of periods) {
    const approval = byId.get(period.openedBy);
    const key = keyOf(period);
    const from = periodStart(period.since);
    const to = period.until ? periodStart(period.until) : Math.max(now, from + DAY);
    const end = Math.max(to, from + DAY);
    const name = label(key, period);
    used.add(period.openedBy);
    items.push({
      id: period.openedBy,
      group: 'members',
      type: 'range',
      start: new Date(from),
      end: new Date(end),
      content: labelRange(period.openedBy, name, key, from, end),
      title: `<strong>${escapeHtml(approval?.title ?? name)}</strong><br>${escapeHtml(formatPartial(period.since))}${period.until ? ` – ${escapeHtml(formatPartial(period.until))}` : ' – today'}`,
      className: `kind-membership-approval derived${approval?.corrected ? ' is-corrected' : ''}`,
    });
    state.timeline.developments.set(period.openedBy, period.openedBy);
  }
}

/** The groups and items of the data on screen; the item maps of `state.timeline` are rebuilt with them. @param {Shown} data */
export function buildTimelineData(data) {
  const { developments, spans, labels } = state.timeline;
  developments.clear();
  spans.clear();
  labels.clear();
  const { view, entries, periods } = data;
  const now = Date.now();
  /** @type {TimelineGroup[]} */
  const groups = [{ id: 'events', content: 'Summits & meetings', order: 1 }];
  /** @type {TimelineItem[]} */
  const items = [];
  /** @type {Set<string>} */
  const used = new Set();
  if (view.type === 'organization') {
    groups.push({ id: 'presidency', content: 'Presidency', order: 2 });
    groups.push({ id: 'members', content: coverageOf(view.code) === 'complete' ? 'Members' : 'Recorded members', order: 3 });
    presidencyItems(periods && 'organization' in periods ? periods.presidencies : [], used, items, now);
    membershipItems({
      periods: periods?.memberships ?? [],
      entries,
      keyOf: (period) => ('country' in period ? period.country : ''),
      label: (key, period) => memberLabel(countryName(key), period),
      used,
      items,
      now,
    });
  } else if (view.type === 'country') {
    groups.push({ id: 'members', content: 'Memberships', order: 3 });
    membershipItems({
      periods: periods?.memberships ?? [],
      entries,
      keyOf: (period) => ('organization' in period ? period.organization : ''),
      label: (key, period) => memberLabel(key, period),
      used,
      items,
      now,
    });
  }
  groups.push({ id: 'other', content: 'Other developments', order: 4 });
  for (const entry of entries) {
    if (used.has(entry.developmentId)) continue;
    const group = entry.kind === 'summit' || entry.kind === 'meeting' || entry.kind === 'peace-summit' ? 'events' : 'other';
    items.push(developmentItem(entry, group));
  }
  const withItems = new Set(items.map((item) => String(item.group)));
  return { groups: groups.filter((group) => withItems.has(String(group.id))), items };
}
