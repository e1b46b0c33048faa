// @ts-check
// The page's state, in one place. What is shown lives in the address (?organization= | ?country= | ?countries=A,B,
// &asOf=, &asKnownAt=, &development=), so every view can be shared as a link; the rest is what the server told us
// and what is in flight.

/** @typedef {{ type: 'organization', code: string } | { type: 'country', code: string } | { type: 'pair', a: string, b: string }} View */
/** @typedef {import('./api.js').TimelineEntry} TimelineEntry */
/** @typedef {import('./api.js').Periods} Periods */
/**
 * The data on screen: the view's entries, and the periods behind it (organizations and countries).
 * @typedef {{ view: View, entries: TimelineEntry[], asKnownAt: string | null, periods?: Periods }} Shown
 */
/** @typedef {{ name: string, code: string, start: number, end: number, shown: string }} RangeLabel */

export const state = {
  view: /** @type {View | null} */ (null),
  /** partial date; null = today */ asOf: /** @type {string | null} */ (null),
  /** ISO instant; null = everything recorded */ asKnownAt: /** @type {string | null} */ (null),
  /** the development whose details are open */ development: /** @type {string | null} */ (null),

  organizations: /** @type {import('./api.js').Organization[]} */ ([]),
  /** the development kinds, from the service */ kinds: /** @type {import('./api.js').Kind[]} */ ([]),
  /** the data on screen */ shown: /** @type {Shown | null} */ (null),
  /** view key → every recordedAt of its timeline (for the "known at" slider) */
  instants: /** @type {Map<string, string[]>} */ (new Map()),

  requests: {
    /** aborts superseded loads */ load: /** @type {AbortController | undefined} */ (undefined),
    details: /** @type {AbortController | undefined} */ (undefined),
    membership: 0,
    /** settles once the kinds catalogue was asked for (labels fall back to the kinds' codes without it) */
    kinds: /** @type {Promise<unknown>} */ (Promise.resolve()),
  },
  knownAt: {
    /** the slider's positions; one past the end is "latest" */ instants: /** @type {string[]} */ ([]),
    /** while the thumb is held, the reader's hand wins over answers still arriving */ sliding: false,
    timer: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
  },
  live: {
    source: /** @type {EventSource | undefined} */ (undefined),
    key: '',
    timer: /** @type {ReturnType<typeof setTimeout> | undefined} */ (undefined),
    /** what changed since the last redraw */ news: /** @type {string[]} */ ([]),
  },
  timeline: {
    /** vis-timeline once loaded; the list renders without it */
    widget: /** @type {import('vis-timeline').Timeline | undefined} */ (undefined),
    items: /** @type {import('vis-data').DataSet<import('vis-timeline').DataItem> | undefined} */ (undefined),
    loading: /** @type {Promise<VisLibrary> | undefined} */ (undefined),
    viewKey: '',
    /** timeline item → the development it shows */ developments: /** @type {Map<string, string>} */ (new Map()),
    /** items with a period (summits with an end): drawn as ranges when wide enough to read, else as boxes */
    spans: /** @type {Map<string, { start: number, end: number }>} */ (new Map()),
    /** presidency and membership ranges: labelled with the name when it fits, else the code, else nothing */
    labels: /** @type {Map<string, RangeLabel>} */ (new Map()),
  },
};

/**
 * The standalone build's global: vis-timeline with the DataSet and moment it bundles.
 * @typedef {typeof import('vis-timeline') & { DataSet: typeof import('vis-data').DataSet, moment: typeof import('moment') }} VisLibrary
 */

const CODE = /^[A-Za-z]{2,3}$/;
const ORGANIZATION_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/;
const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

export const isCountryCode = (/** @type {string} */ code) => CODE.test(code);

/** What the address asks for; anything malformed is left out. */
export function readAddress() {
  const params = new URLSearchParams(location.search);
  const organization = params.get('organization')?.trim();
  const country = params.get('country')?.trim();
  const countries = params
    .get('countries')
    ?.split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  /** @type {View | null} */
  let view = null;
  const [a, b] = countries ?? [];
  if (organization && ORGANIZATION_CODE.test(organization)) view = { type: 'organization', code: organization.toUpperCase() };
  else if (country && CODE.test(country)) view = { type: 'country', code: country.toUpperCase() };
  else if (countries?.length === 2 && a && b && CODE.test(a) && CODE.test(b))
    view = { type: 'pair', a: a.toUpperCase(), b: b.toUpperCase() };
  const asOf = params.get('asOf');
  const asKnownAt = params.get('asKnownAt');
  const development = params.get('development');
  return {
    view,
    asOf: asOf && PARTIAL_DATE.test(asOf) ? asOf : null,
    asKnownAt: asKnownAt && !Number.isNaN(Date.parse(asKnownAt)) ? asKnownAt : null,
    development: development && /^[0-9a-fA-F-]{36}$/.test(development) ? development.toLowerCase() : null,
  };
}

// Commas and colons are legal in a query: keep links readable (`countries=CN,RU`, `asKnownAt=2024-06-01T00:00:00Z`).
const encode = (/** @type {string} */ value) => encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':');

/** @param {View | null} view @returns {Array<[string, string]>} */
function viewParams(view) {
  if (!view) return [];
  if (view.type === 'organization') return [['organization', view.code]];
  if (view.type === 'country') return [['country', view.code]];
  return [['countries', `${view.a},${view.b}`]];
}

/** The address of the current state with some of it changed. @param {Partial<Pick<typeof state, 'view' | 'development'>>} [overrides] */
export function addressOf(overrides = {}) {
  const next = { view: state.view, asOf: state.asOf, asKnownAt: state.asKnownAt, development: state.development, ...overrides };
  const params = [...viewParams(next.view)];
  if (next.asOf) params.push(['asOf', next.asOf]);
  if (next.asKnownAt) params.push(['asKnownAt', next.asKnownAt]);
  if (next.development) params.push(['development', next.development]);
  return `${location.pathname}${params.length ? `?${params.map(([key, value]) => `${key}=${encode(value)}`).join('&')}` : ''}`;
}

/** Keeps the address in step with what is shown. A new view is a new history entry; everything else replaces it. */
export function syncAddress({ push = false } = {}) {
  const url = addressOf();
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

/** @param {View | null} a @param {View | null} b */
export const sameView = (a, b) => JSON.stringify(a) === JSON.stringify(b);
/** @param {View | null} view */
export const viewKey = (view) =>
  viewParams(view)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

/** @param {string} code */
export const organizationOf = (code) => state.organizations.find((candidate) => candidate.code === code);

/** `complete` when the service records every member since the founding; anything else is presented as partial. @param {string} code */
export const coverageOf = (code) => organizationOf(code)?.membershipCoverage ?? 'partial';

/** @param {string} code */
export function organizationName(code) {
  const organization = organizationOf(code);
  return organization && organization.name !== code ? `${organization.name} (${code})` : code;
}

/** A kind as the service calls it (its own code until the catalogue has loaded). @param {string} kind */
export const kindLabel = (kind) => state.kinds.find((candidate) => candidate.kind === kind)?.label ?? kind;
