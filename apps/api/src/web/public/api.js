// @ts-check
// The API client: typed by the OpenAPI document the service serves (`npm run openapi` regenerates the types), so a
// path or a field the service does not answer fails the page's type check. Talks only to this origin.

/** @typedef {import('../../../../../test/support/openapi/annals-api').paths} Paths */
/** @typedef {import('../../../../../test/support/openapi/annals-api').components['schemas']} Schemas */
/** @typedef {Schemas['TimelineEntryAnswer']} TimelineEntry */
/** @typedef {Schemas['DevelopmentAnswer']} Development */
/** @typedef {Schemas['HistoryEntryAnswer']} HistoryEntry */
/** @typedef {Schemas['SourceAnswer']} Source */
/** @typedef {Schemas['OrganizationSummaryAnswer']} Organization */
/** @typedef {Schemas['MembershipAnswer']} Membership */
/** @typedef {Schemas['KindAnswer']} Kind */
/** @typedef {Schemas['OrganizationPeriodsAnswer'] | Schemas['CountryPeriodsAnswer']} Periods */
/** @typedef {Schemas['PresidencyTermAnswer']} PresidencyTerm */
/** @typedef {Schemas['MemberPeriodAnswer'] | Schemas['MembershipPeriodAnswer']} MembershipPeriod */
/** @typedef {Schemas['ProblemDto']} Problem */
/** @typedef {{ [P in keyof Paths]: Paths[P] extends { get: unknown } ? P : never }[keyof Paths]} ReadPath */
/**
 * The JSON a read answers with 200.
 * @template {ReadPath} P
 * @typedef {Paths[P] extends { get: { responses: { 200: { content: { 'application/json': infer A } } } } } ? A : never} Answer
 */
/** @typedef {Record<string, string | number | null | undefined>} Params */

import { askForKey, storedKey } from './key.js';

const PAGE_LIMIT = 500;
const MAX_PAGES = 20;

export class ApiError extends Error {
  /** @param {number} status @param {Problem | null} problem */
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** JSON text as a value whose type is still to be said (never `any`). @param {string} text @returns {unknown} */
export const parseJson = (text) => JSON.parse(text);

/** A response's JSON body, as `unknown` until the caller says what it is. @param {Response} response */
async function bodyOf(response) {
  /** @type {unknown} */
  const body = await response.json();
  return body;
}

/** @param {Params} params */
const queryOf = (params) =>
  Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`)
    .join('&');

/**
 * GET one of the API's read paths, its `{placeholders}` filled from `path` (encoded), with a query.
 * @template {ReadPath} P
 * @param {P} template
 * @param {{ path?: Record<string, string>, query?: Params, signal?: AbortSignal }} [request]
 * @returns {Promise<Answer<P>>}
 */
export async function getJson(template, { path = {}, query = {}, signal } = {}) {
  const url = template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(path[String(name)] ?? ''));
  const search = queryOf(query);
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (storedKey()) headers.authorization = `Bearer ${storedKey()}`;
  const response = await fetch(search ? `${url}?${search}` : url, { headers, signal });
  if (!response.ok) {
    const problem = /** @type {Problem | null} */ (await bodyOf(response).catch(() => null));
    if (response.status === 401)
      askForKey(storedKey() ? 'That API key was not accepted: enter another.' : 'This service needs an API key to read: enter yours.');
    throw new ApiError(response.status, problem);
  }
  return /** @type {Answer<P>} */ (await bodyOf(response));
}

/** @typedef {import('./state.js').View} View */

/** @param {View} view */
const timelineOf = (view) =>
  view.type === 'organization'
    ? /** @type {const} */ (['/api/organizations/{code}/timeline', { code: view.code }])
    : view.type === 'country'
      ? /** @type {const} */ (['/api/countries/{code}/timeline', { code: view.code }])
      : /** @type {const} */ (['/api/countries/{a}/relations/{b}/timeline', { a: view.a, b: view.b }]);

/**
 * Every page of a view's timeline (following `nextCursor`).
 * @param {View} view @param {Params} query @param {AbortSignal} signal
 * @returns {Promise<TimelineEntry[]>}
 */
export async function fetchTimeline(view, query, signal) {
  const [template, path] = timelineOf(view);
  /** @type {TimelineEntry[]} */
  const items = [];
  /** @type {string | undefined} */
  let cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await getJson(template, { path, query: { ...query, limit: PAGE_LIMIT, cursor }, signal });
    if (!('items' in answer)) throw new Error('The timeline answered in another format');
    items.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return items;
}

/**
 * The membership periods and presidency terms behind a view, with the developments that opened and closed them.
 * @param {View} view @param {Params} query @param {AbortSignal} [signal]
 * @returns {Promise<Periods | undefined>}
 */
export function fetchPeriods(view, query, signal) {
  if (view.type === 'organization') return getJson('/api/organizations/{code}/periods', { path: { code: view.code }, query, signal });
  if (view.type === 'country') return getJson('/api/countries/{code}/periods', { path: { code: view.code }, query, signal });
  return Promise.resolve(undefined);
}
