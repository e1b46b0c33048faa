// @ts-check
// The pickers and the date controls, the browser's back and forward, and what fills the pickers.
import { getJson } from './api.js';
import { load, navigate, setAsOf } from './actions.js';
import { el, setStatus, ui } from './dom.js';
import { dayOf, regionName, today } from './format.js';
import { wireKnownAt } from './known-at.js';
import { NARROW, placeDetails } from './list.js';
import { isCountryCode, readAddress, state } from './state.js';

// Codes Intl knows as regions that are not ISO 3166-1 countries.
const NOT_COUNTRIES = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UN', 'XA', 'XB', 'XK', 'ZZ']);

/** @param {HTMLInputElement} input */
function readCode(input) {
  const code = input.value.trim().toUpperCase();
  if (!isCountryCode(code)) {
    input.setCustomValidity('Enter a two- or three-letter ISO country code, e.g. CN or CHN.');
    input.reportValidity();
    return null;
  }
  input.setCustomValidity('');
  return code;
}

export function wireControls() {
  NARROW.addEventListener('change', placeDetails);
  ui.organizationForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = ui.organizationSelect.value;
    if (code) void navigate({ type: 'organization', code });
  });
  ui.organizationSelect.addEventListener('change', () => ui.organizationForm.requestSubmit());
  ui.countryForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = readCode(ui.countryInput);
    if (code) void navigate({ type: 'country', code });
  });
  ui.pairForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const a = readCode(ui.pairA);
    const b = a && readCode(ui.pairB);
    if (a && b) void navigate({ type: 'pair', a, b });
  });
  for (const input of [ui.countryInput, ui.pairA, ui.pairB]) input.addEventListener('input', () => input.setCustomValidity(''));
  ui.asOf.addEventListener('change', () => {
    if (!ui.asOf.value) return;
    setAsOf(ui.asOf.value === today() && !state.asOf ? null : ui.asOf.value);
  });
  ui.asOfToday.addEventListener('click', () => setAsOf(null));
  wireKnownAt();
  window.addEventListener('popstate', () => {
    Object.assign(state, readAddress());
    if (!state.view) return;
    ui.asOf.value = state.asOf ? dayOf(state.asOf) : today();
    void load();
  });
}

export function fillCountryCodes() {
  const options = [];
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = regionName(code);
      if (name && name !== code) options.push(el('option', { value: code }, name));
    }
  }
  ui.countryCodes.replaceChildren(...options);
}

export async function loadOrganizations() {
  try {
    state.organizations = await getJson('/api/organizations');
  } catch (error) {
    ui.organizationSelect.replaceChildren(el('option', { value: '' }, 'Organizations unavailable'));
    setStatus(`Could not load the organizations: ${error instanceof Error ? error.message : String(error)}`, { error: true });
    return;
  }
  const { organizations } = state;
  const active = organizations.filter((organization) => organization.memberCount > 0 || organization.presidency);
  const others = organizations.filter((organization) => !active.includes(organization));
  const option = (/** @type {import('./api.js').Organization} */ organization) =>
    el('option', { value: organization.code }, `${organization.code} — ${organization.name}`);
  ui.organizationSelect.replaceChildren(
    ...[
      el('option', { value: '' }, 'Choose an organization…'),
      active.length ? el('optgroup', { label: 'With recorded members' }, active.map(option)) : null,
      others.length ? el('optgroup', { label: active.length ? 'Others' : 'Organizations' }, others.map(option)) : null,
    ].filter((node) => node !== null),
  );
  if (state.view?.type === 'organization') ui.organizationSelect.value = state.view.code;
}

/** The development kinds, as the service lists them; without them the page shows the kinds' codes. */
export async function loadKinds() {
  try {
    state.kinds = [...(await getJson('/api/kinds'))];
  } catch {
    // The list still renders; a 401 has already asked for a key.
  }
}
