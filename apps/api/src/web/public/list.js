// @ts-check
// The heading, the summary line and the list of developments: every entry as text, newest first.
import { navigate, selectDevelopment } from './actions.js';
import { parseJson } from './api.js';
import { el, plainClick, ui } from './dom.js';
import { presentAndAbsent } from './entries.js';
import { countryName, formatPeriod, listNames, plural } from './format.js';
import { addressOf, kindLabel, organizationOf, state } from './state.js';

/** @typedef {import('./state.js').View} View */
/** @typedef {import('./state.js').Shown} Shown */
/** @typedef {import('./api.js').TimelineEntry} TimelineEntry */

/** A link to another view that the page opens itself. @param {View} view @param {string} text */
export function viewLink(view, text) {
  const link = el('a', { href: addressOf({ view, development: null }), dataset: { view: JSON.stringify(view) } }, text);
  link.addEventListener('click', (event) => {
    if (!plainClick(event)) return;
    event.preventDefault();
    void navigate(view);
  });
  return link;
}

/** @param {string} code */
export const countryLink = (code) => viewLink({ type: 'country', code }, countryName(code));

/** @param {View} view */
function viewTitle(view) {
  if (view.type === 'organization') {
    const organization = organizationOf(view.code);
    return organization ? `${organization.name} (${organization.code})` : view.code;
  }
  if (view.type === 'country') return `${countryName(view.code)}`;
  return `${countryName(view.a)} and ${countryName(view.b)}`;
}

/** @param {View} view */
export function renderHeading(view) {
  const title = viewTitle(view);
  ui.viewHeading.textContent = title;
  document.title = `${title} — Annals`;
  ui.organizationSelect.value = view.type === 'organization' ? view.code : '';
  if (view.type === 'country') ui.countryInput.value = view.code;
  if (view.type === 'pair') {
    ui.pairA.value = view.a;
    ui.pairB.value = view.b;
  }
}

/** @param {Shown} data */
export function renderSummary({ view, entries }) {
  const parts = [plural(entries.length, 'development')];
  const first = entries[0];
  const last = entries.at(-1);
  if (first && last) parts.push(formatPeriod(first.occurredOn, last.occurredOn));
  if (view.type === 'pair') parts.push('developments naming both countries');
  if (view.type === 'organization') {
    const organization = organizationOf(view.code);
    if (organization?.wikidataId) parts.push(`Wikidata ${organization.wikidataId}`);
  }
  ui.viewSummary.textContent = parts.join(' · ');
}

/** @param {Shown} data */
export function renderList(data) {
  const { view, entries } = data;
  if (!entries.length) {
    ui.list.replaceChildren(
      el(
        'p',
        { className: 'muted' },
        data.asKnownAt ? 'Nothing had been recorded for this view at that instant.' : 'Nothing has been recorded for this view yet.',
      ),
    );
    return;
  }
  // Newest first: the latest developments are the story a reader comes for; the timeline above shows the long run.
  /** @type {Map<string, TimelineEntry[]>} */
  const years = new Map();
  for (const entry of [...entries].reverse()) {
    const year = entry.occurredOn.slice(0, 4);
    years.set(year, [...(years.get(year) ?? []), entry]);
  }
  const sections = [];
  for (const [year, yearEntries] of years) {
    sections.push(el('h3', { className: 'year' }, year));
    sections.push(
      el(
        'ol',
        { className: 'entries' },
        yearEntries.map((entry) => entryItem(entry, view)),
      ),
    );
  }
  // The details panel may stand inside an entry (narrow screens): bring it home before the entries are replaced.
  ui.side.append(ui.detailsPanel);
  ui.list.replaceChildren(...sections);
  markSelected();
  placeDetails();
}

export const NARROW = window.matchMedia('(max-width: 56rem)');

/**
 * Keeps the reader's place: on a narrow screen (one column) the details open right under the chosen entry;
 * on a wide one they stand beside the list, in the side column.
 */
export function placeDetails() {
  const item = state.development ? ui.list.querySelector(`.entry[data-development="${CSS.escape(state.development)}"]`) : null;
  if (NARROW.matches && item) {
    if (ui.detailsPanel.parentElement !== item) item.append(ui.detailsPanel);
  } else if (ui.detailsPanel.parentElement !== ui.side) ui.side.append(ui.detailsPanel);
}

/** Back from the details to the chosen entry in the list. */
export function backToEntry() {
  const link = state.development ? ui.list.querySelector(`a.entry-link[data-development="${CSS.escape(state.development)}"]`) : null;
  if (!(link instanceof HTMLElement)) return;
  link.scrollIntoView({ block: 'center' });
  link.focus({ preventScroll: true });
}

/** @param {TimelineEntry} entry @param {View} view */
function entryItem(entry, view) {
  const where = [];
  if (entry.location) where.push([entry.location.city, countryName(entry.location.country)].filter(Boolean).join(', '));
  const { present, absent } = presentAndAbsent(entry);
  const others = present.filter((code) => code !== entry.location?.country && !(view.type === 'country' && code === view.code));
  if (others.length) where.push(entry.kind === 'peace-summit' ? `Attended: ${listNames(others)}` : listNames(others));
  if (entry.organizations.length && view.type !== 'organization') where.push(entry.organizations.join(', '));
  const link = el(
    'a',
    { href: addressOf({ development: entry.developmentId }), className: 'entry-link', dataset: { development: entry.developmentId } },
    entry.title,
  );
  link.addEventListener('click', (event) => {
    if (!plainClick(event)) return;
    event.preventDefault();
    void selectDevelopment(entry.developmentId, { origin: 'list' });
  });
  return el(
    'li',
    { className: `entry kind-${entry.kind}`, dataset: { development: entry.developmentId } },
    el(
      'p',
      { className: 'entry-meta' },
      el('time', { datetime: entry.occurredOn }, formatPeriod(entry.occurredOn, entry.endsOn)),
      ' ',
      el('span', { className: `badge kind-${entry.kind}` }, kindLabel(entry.kind)),
      entry.corrected ? el('span', { className: 'badge is-corrected' }, 'corrected') : null,
    ),
    el('h4', { className: 'entry-title' }, link),
    entry.summary ? el('p', { className: 'entry-summary' }, entry.summary) : null,
    where.length ? el('p', { className: 'entry-where' }, where.join(' · ')) : null,
    absent.length ? el('p', { className: 'entry-absent' }, `Absent (did not attend): ${listNames(absent, 20)}`) : null,
  );
}

export function markSelected() {
  for (const item of ui.list.querySelectorAll('.entry')) {
    if (!(item instanceof HTMLElement)) continue;
    const selected = item.dataset.development === state.development;
    item.classList.toggle('is-selected', selected);
    const link = item.querySelector('.entry-link');
    if (selected) link?.setAttribute('aria-current', 'true');
    else link?.removeAttribute('aria-current');
  }
}

/** Re-points the links at the current state (asOf / asKnownAt changes). */
export function refreshLinks() {
  for (const link of ui.list.querySelectorAll('a.entry-link'))
    if (link instanceof HTMLAnchorElement) link.href = addressOf({ development: link.dataset.development ?? null });
  for (const link of document.querySelectorAll('a[data-view]'))
    if (link instanceof HTMLAnchorElement && link.dataset.view)
      link.href = addressOf({ view: /** @type {View} */ (parseJson(link.dataset.view)), development: null });
}
