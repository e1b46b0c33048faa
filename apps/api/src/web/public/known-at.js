// @ts-check
// "Known at": a slider over the instants this view's developments were recorded, ending at "latest".
import { setKnownAt } from './actions.js';
import { ui } from './dom.js';
import { formatInstant, plural } from './format.js';
import { state, viewKey } from './state.js';

/** @param {readonly string[]} recorded */
export function renderKnownAt(recorded) {
  const instants = [...recorded];
  if (state.asKnownAt && !instants.includes(state.asKnownAt)) instants.push(state.asKnownAt);
  instants.sort((a, b) => Date.parse(a) - Date.parse(b));
  state.knownAt.instants = instants;
  ui.knownAt.max = String(instants.length);
  ui.knownAt.disabled = instants.length === 0;
  // While the thumb is held, the reader's hand wins over answers still arriving for earlier positions.
  if (!state.knownAt.sliding) ui.knownAt.value = String(state.asKnownAt ? instants.indexOf(state.asKnownAt) : instants.length);
  describeKnownAt();
}

/** The instant under the thumb; undefined at "latest". */
const chosen = () => state.knownAt.instants[Number(ui.knownAt.value)];

export function describeKnownAt() {
  const instant = chosen();
  const all = state.instants.get(viewKey(state.view));
  const total = all?.length ?? 0;
  let text;
  if (!instant) {
    text = 'Latest: everything recorded so far';
  } else {
    const known = all?.filter((recordedAt) => Date.parse(recordedAt) <= Date.parse(instant)).length ?? 0;
    text = `${formatInstant(instant)} — ${known} of ${plural(total, 'development')} recorded by then`;
  }
  ui.knownAtValue.textContent = text;
  ui.knownAt.setAttribute('aria-valuetext', text);
  ui.knownAtLatest.disabled = !instant;
}

export function wireKnownAt() {
  ui.knownAt.addEventListener('input', () => {
    describeKnownAt();
    clearTimeout(state.knownAt.timer);
    state.knownAt.timer = setTimeout(() => setKnownAt(chosen() ?? null), 200);
  });
  ui.knownAt.addEventListener('pointerdown', () => (state.knownAt.sliding = true));
  for (const type of ['pointerup', 'pointercancel']) window.addEventListener(type, () => (state.knownAt.sliding = false));
  ui.knownAt.addEventListener('change', () => setKnownAt(chosen() ?? null));
  ui.knownAtLatest.addEventListener('click', () => {
    ui.knownAt.value = ui.knownAt.max;
    describeKnownAt();
    setKnownAt(null);
  });
}
