// @ts-check
// Keeping up: the open view follows /api/live and says what changed, politely.
import { load } from './actions.js';
import { parseJson } from './api.js';
import { storedKey } from './key.js';
import { ui } from './dom.js';
import { state, viewKey } from './state.js';

/** @typedef {import('./state.js').View} View */
/** @typedef {import('./api.js').TimelineEntry} TimelineEntry */

/** The live feed's event names, as the service sends them. */
const LIVE_VERBS = { recorded: 'Recorded', corrected: 'Corrected', retracted: 'Retracted' };

/**
 * Whether an entry from the feed belongs to the open view (the feed is already scoped to one side of a pair).
 * @param {Partial<TimelineEntry> | null} entry @param {View | null} view
 */
function belongsToView(entry, view) {
  if (!entry || !view) return false;
  if (view.type === 'organization') return entry.organizations?.includes(view.code) ?? false;
  if (view.type === 'country') return entry.countries?.includes(view.code) ?? false;
  return (entry.countries?.includes(view.a) && entry.countries?.includes(view.b)) ?? false;
}

/** Follows the view's live feed, once per view. @param {View} view */
export function follow(view) {
  const live = state.live;
  const key = viewKey(view);
  if (live.source && live.key === key) return;
  live.source?.close();
  live.source = undefined;
  live.key = key;
  // EventSource cannot send a key: a service that needs one for reads is not followed live.
  if (storedKey() || typeof EventSource !== 'function') return;
  const param =
    view.type === 'organization'
      ? `organization=${encodeURIComponent(view.code)}`
      : `country=${encodeURIComponent(view.type === 'country' ? view.code : view.a)}`;
  const source = new EventSource(`/api/live?${param}`);
  live.source = source;
  for (const [type, verb] of Object.entries(LIVE_VERBS)) {
    source.addEventListener(type, (event) => {
      /** @type {Partial<TimelineEntry> | null} */
      let entry;
      try {
        entry = /** @type {Partial<TimelineEntry>} */ (parseJson(/** @type {MessageEvent<string>} */ (event).data));
      } catch {
        return;
      }
      if (!belongsToView(entry, state.view)) return;
      live.news.push(`${verb}: ${entry?.title ?? ''}`);
      state.instants.delete(viewKey(state.view));
      clearTimeout(live.timer);
      live.timer = setTimeout(() => void applyNews(), 250);
    });
  }
}

async function applyNews() {
  const news = state.live.news.splice(0);
  if (!news.length) return;
  if (state.asKnownAt) {
    // Replaying the past: the news is for the present; say so and leave the replay as it is.
    ui.liveStatus.textContent = `${news.join('; ')} — choose “Latest” to see it.`;
    return;
  }
  await load({ keepDetails: true });
  ui.liveStatus.textContent = `Updated: ${news.join('; ')}.`;
}
