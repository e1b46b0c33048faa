// @ts-check
// What the reader can do, as changes of the state: open a view, choose a development, move the dates. Each keeps
// the address in step and redraws what depends on it.
import { fetchPeriods, fetchTimeline } from './api.js';
import { el, setStatus, ui } from './dom.js';
import { dayOf, formatInstant, plural, today } from './format.js';
import { clearDetails, showDetails } from './details.js';
import { renderKnownAt } from './known-at.js';
import { markSelected, placeDetails, refreshLinks, renderHeading, renderList, renderSummary } from './list.js';
import { follow } from './live.js';
import { loadMembership } from './members.js';
import { sameView, state, syncAddress, viewKey } from './state.js';
import { clearTimeline, renderTimeline, selectOnTimeline, updateAsOfMarker } from './timeline.js';

/** @typedef {import('./state.js').View} View */
/** @typedef {import('./state.js').Shown} Shown */

/** Loads the open view: its timeline, the periods behind it, the instants it was recorded at; then draws it all. */
export async function load({ keepDetails = false } = {}) {
  const view = state.view;
  if (!view) return;
  follow(view);
  state.requests.load?.abort();
  const controller = new AbortController();
  state.requests.load = controller;
  const { signal } = controller;
  const asKnownAt = state.asKnownAt ?? undefined;
  const key = viewKey(view);
  setStatus('Loading…');
  ui.list.setAttribute('aria-busy', 'true');
  renderHeading(view);
  try {
    const entriesPromise = fetchTimeline(view, { asKnownAt }, signal);
    const known = state.instants.get(key);
    const instantsPromise = known
      ? Promise.resolve(known)
      : (asKnownAt ? fetchTimeline(view, {}, signal) : entriesPromise).then((all) => {
          const instants = [...new Set(all.map((entry) => entry.recordedAt))].sort();
          state.instants.set(key, instants);
          return instants;
        });
    const [entries, instants, periods] = await Promise.all([
      entriesPromise,
      instantsPromise,
      fetchPeriods(view, { asKnownAt }, signal),
      state.requests.kinds,
    ]);
    /** @type {Shown} */
    const data = { view, entries, asKnownAt: state.asKnownAt, ...(periods ? { periods } : {}) };
    state.shown = data;
    renderKnownAt(instants);
    renderSummary(data);
    renderList(data);
    const membership = loadMembership(signal);
    void renderTimeline(data);
    await membership;
    if (state.development) await showDetails(state.development, { focus: false, signal });
    else if (!keepDetails) clearDetails();
    setStatus(describeLoaded(data));
  } catch (error) {
    if (signal.aborted) return;
    state.shown = null;
    ui.list.replaceChildren(el('p', { className: 'muted' }, 'Nothing to show.'));
    ui.membershipBody.replaceChildren();
    ui.viewSummary.textContent = '';
    clearTimeline();
    setStatus(`Could not load this view: ${error instanceof Error ? error.message : String(error)}`, { error: true });
  } finally {
    if (!signal.aborted) ui.list.removeAttribute('aria-busy');
  }
}

/** @param {Shown} data */
function describeLoaded(data) {
  const count = plural(data.entries.length, 'development');
  return data.asKnownAt ? `Showing ${count} as known at ${formatInstant(data.asKnownAt)}.` : `Showing ${count}.`;
}

/** Opens another view, as a new entry of the browser's history. @param {View} view */
export async function navigate(view) {
  if (sameView(view, state.view)) return;
  state.view = view;
  state.development = null;
  syncAddress({ push: true });
  await load();
  ui.viewHeading.focus({ preventScroll: true });
}

/** @param {string} id @param {{ origin: 'list' | 'timeline' }} options */
export async function selectDevelopment(id, { origin }) {
  state.development = id;
  syncAddress();
  markSelected();
  placeDetails();
  if (origin !== 'timeline') selectOnTimeline(id, true);
  if (origin === 'timeline') ui.list.querySelector(`.entry[data-development="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  await showDetails(id, { focus: origin === 'list' });
}

/** The "as of" date of the members and memberships (null: today). @param {string | null} asOf */
export function setAsOf(asOf) {
  if (asOf === state.asOf) return;
  state.asOf = asOf;
  ui.asOf.value = asOf ? dayOf(asOf) : today();
  syncAddress();
  refreshLinks();
  updateAsOfMarker();
  void loadMembership(state.requests.load?.signal);
}

/** Replays the record as known at an instant (null: everything recorded so far). @param {string | null} instant */
export function setKnownAt(instant) {
  clearTimeout(state.knownAt.timer);
  if (instant === state.asKnownAt) return;
  state.asKnownAt = instant;
  syncAddress();
  refreshLinks();
  void load({ keepDetails: true });
}
