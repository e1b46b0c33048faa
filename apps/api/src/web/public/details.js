// @ts-check
// The details of one development: its facts, its sources and its correction history.
import { ApiError, getJson } from './api.js';
import { setKnownAt } from './actions.js';
import { el, ui } from './dom.js';
import { countryName, describeValue, formatInstant, formatPartial, formatPeriod, listNames, words } from './format.js';
import { backToEntry, countryLink, viewLink } from './list.js';
import { kindLabel, organizationName, state } from './state.js';

/** @typedef {import('./api.js').Development} Development */
/** @typedef {import('./api.js').HistoryEntry} HistoryEntry */
/** @typedef {import('./api.js').Source} Source */

export function clearDetails() {
  ui.detailsHeading.textContent = 'Details';
  ui.detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Choose a development to see its sources and its correction history.'));
}

/** @param {string} id @param {{ focus?: boolean, signal?: AbortSignal }} [options] */
export async function showDetails(id, { focus, signal } = {}) {
  state.requests.details?.abort();
  const request = new AbortController();
  state.requests.details = request;
  signal?.addEventListener('abort', () => request.abort());
  ui.detailsBody.setAttribute('aria-busy', 'true');
  try {
    const development = await getJson('/api/developments/{id}', {
      path: { id },
      query: { asKnownAt: state.asKnownAt ?? undefined },
      signal: request.signal,
    });
    renderDetails(development);
  } catch (error) {
    if (request.signal.aborted) return;
    const missing = error instanceof ApiError && error.status === 404;
    ui.detailsHeading.textContent = 'Details';
    ui.detailsBody.replaceChildren(
      el(
        'p',
        { className: missing ? 'muted' : 'error' },
        missing
          ? state.asKnownAt
            ? 'This development had not been recorded yet at that instant.'
            : 'No such development.'
          : `Could not load the development: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  } finally {
    if (state.requests.details === request) ui.detailsBody.removeAttribute('aria-busy');
  }
  if (focus) ui.detailsHeading.focus();
}

/** @param {Development} development */
function renderDetails(development) {
  ui.detailsHeading.textContent = development.title;
  /** @type {HTMLElement[]} */
  const facts = [];
  /** @param {string} term @param {...(Node | string)} value */
  const fact = (term, ...value) => facts.push(el('dt', {}, term), el('dd', {}, ...value));
  fact('When', el('time', { datetime: development.occurredOn }, formatPeriod(development.occurredOn, development.endsOn)));
  fact('Kind', kindLabel(development.kind));
  if (development.organization)
    fact('Organization', viewLink({ type: 'organization', code: development.organization }, organizationName(development.organization)));
  if (development.country) fact('Country', countryLink(development.country));
  if (development.status) fact('Status', words(development.status));
  if (development.effectiveOn) fact('Effective', formatPartial(development.effectiveOn));
  if (development.reason && development.kind === 'membership-ending') fact('Reason', words(development.reason));
  if (development.from) fact('From', countryLink(development.from));
  if (development.to) fact('To', countryLink(development.to));
  if (development.termEndsOn) fact('Term ends', formatPartial(development.termEndsOn));
  if (development.host) fact('Host', countryLink(development.host));
  if (development.location)
    fact(
      'Where',
      [development.location.city, development.location.country ? countryName(development.location.country) : null]
        .filter(Boolean)
        .join(', '),
    );
  if (development.conflict) fact('Conflict', development.conflict);
  if (development.participants?.length) {
    fact(
      'Participants',
      el(
        'ul',
        { className: 'plain' },
        development.participants.map((participant) =>
          el('li', {}, participant.name, participant.role ? `, ${participant.role}` : '', ` (${countryName(participant.country)})`),
        ),
      ),
    );
  }
  if (development.attendees?.length) fact('Attended', listNames(development.attendees, 30));
  if (development.absentees?.length)
    fact(
      'Absent (did not attend)',
      development.absentees.map((absentee) => `${countryName(absentee.country)} (${words(absentee.reason)})`).join(', '),
    );
  if (development.tags?.length) fact('Tags', development.tags.join(', '));
  const condition = development.retracted ? 'retracted' : development.corrected ? 'corrected' : null;

  /** @type {Array<HTMLElement | null>} */
  const parts = [
    el(
      'p',
      { className: 'back' },
      el('button', { type: 'button', className: 'link-button back-to-entry', onclick: backToEntry }, 'Back to this entry in the list'),
    ),
    condition ? el('p', { className: `badge is-${condition}` }, condition) : null,
    development.summary ? el('p', { className: 'details-summary' }, development.summary) : null,
    el('dl', { className: 'facts' }, facts),
    el('h3', {}, 'Sources'),
    sourceList(development.sources),
    el('h3', {}, 'History'),
    historyList(development, development.history ?? []),
    el(
      'p',
      { className: 'raw' },
      el('a', { href: `/api/developments/${encodeURIComponent(development.developmentId)}` }, 'This development as JSON'),
    ),
  ];
  ui.detailsBody.replaceChildren(...parts.filter((part) => part !== null));
}

/** @param {Source[] | undefined} sources */
function sourceList(sources) {
  if (!sources?.length) return el('p', { className: 'muted' }, 'No sources recorded.');
  return el('ul', { className: 'sources' }, sources.map(sourceItem));
}

/** @param {Source} source */
function sourceItem(source) {
  const label = source.title || source.publisher || source.url;
  const safeUrl = source.url && /^https?:\/\//i.test(source.url) ? source.url : null;
  const extra = [source.title && source.publisher ? source.publisher : null, source.publishedOn ? formatPartial(source.publishedOn) : null]
    .filter(Boolean)
    .join(', ');
  return el(
    'li',
    {},
    safeUrl
      ? el(
          'a',
          { href: safeUrl, rel: 'noopener noreferrer external', target: '_blank' },
          label,
          el('span', { className: 'visually-hidden' }, ' (opens in a new tab)'),
        )
      : el('span', {}, label),
    extra ? el('span', { className: 'source-extra' }, ` — ${extra}`) : null,
  );
}

/**
 * What an event of the history did, from the kind's event types the service lists.
 * @param {Development} development @param {HistoryEntry} event @param {number} index
 */
function changeOf(development, event, index) {
  const types = state.kinds.find((kind) => kind.kind === development.kind)?.eventTypes;
  if (event.type === types?.recorded) return { recorded: true, label: index === 0 ? 'Recorded' : 'Recorded again' };
  if (event.type === types?.corrected) return { recorded: false, label: 'Corrected' };
  if (event.type === types?.retracted) return { recorded: false, label: 'Retracted' };
  return { recorded: false, label: event.type };
}

/** A history event's data, as the log holds it. @typedef {{ reason?: string, changes?: Record<string, unknown>, sources?: Source[], title?: string }} EventData */

/** @param {Development} development @param {HistoryEntry[]} history */
function historyList(development, history) {
  if (!history.length) return el('p', { className: 'muted' }, 'No history.');
  return el(
    'ol',
    { className: 'history' },
    history.map((event, index) => {
      const { recorded, label } = changeOf(development, event, index);
      /** @type {HTMLElement[]} */
      const parts = [
        el(
          'p',
          { className: 'history-head' },
          el('strong', {}, label),
          ' ',
          el('time', { datetime: event.recordedAt }, formatInstant(event.recordedAt)),
          el('span', { className: 'muted' }, ` · ${event.type} · position ${event.position}`),
        ),
      ];
      const data = /** @type {EventData} */ (event.data ?? {});
      if (data.reason && !recorded) parts.push(el('p', {}, el('span', { className: 'label' }, 'Reason: '), data.reason));
      if (data.changes) {
        parts.push(el('p', { className: 'label' }, 'Changed:'));
        parts.push(
          el(
            'dl',
            { className: 'changes' },
            Object.entries(data.changes).flatMap(([field, value]) => [el('dt', {}, field), el('dd', {}, describeValue(value))]),
          ),
        );
      }
      if (!recorded && data.sources?.length)
        parts.push(el('p', { className: 'label' }, 'Sources for this change:'), sourceList(data.sources));
      if (recorded && data.title) parts.push(el('p', {}, el('span', { className: 'label' }, 'Recorded as: '), data.title));
      if (index > 0) {
        const before = new Date(Date.parse(event.recordedAt) - 1).toISOString();
        parts.push(
          el(
            'button',
            { type: 'button', className: 'link-button', onclick: () => setKnownAt(before) },
            'Show the record as known just before this',
          ),
        );
      }
      return el('li', { className: `history-${label.toLowerCase().replace(/\s+/g, '-')}` }, parts);
    }),
  );
}
