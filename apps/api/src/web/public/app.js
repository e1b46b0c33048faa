// Annals timeline page: plain ES module, no build step, talks only to this origin.
// State lives in the address (?organization= | ?country= | ?countries=A,B, &asOf=, &asKnownAt=, &development=),
// so every view can be shared as a link.

const VIS_SCRIPT = '/vendor/vis-timeline/vis-timeline-graph2d.min.js';
const PAGE_LIMIT = 500;
const MAX_PAGES = 20;
const DAY = 24 * 60 * 60 * 1000;

const KIND_LABELS = {
  meeting: 'Meeting',
  summit: 'Summit',
  'membership-approval': 'Membership',
  'membership-ending': 'Membership ended',
  'presidency-handover': 'Presidency',
  'peace-summit': 'Peace summit',
};
const STATUS_LABELS = { member: 'member', observer: 'observer', 'dialogue-partner': 'dialogue partner', partner: 'partner' };
const ENDING_LABELS = { withdrawal: 'withdrawal', suspension: 'suspension', expulsion: 'expulsion' };
const ABSENCE_LABELS = { declined: 'declined', 'not-invited': 'not invited' };
const RECORDING_EVENTS = new Set([
  'MeetingHeld',
  'SummitHeld',
  'MembershipApproved',
  'MembershipEnded',
  'PresidencyHandedOver',
  'PeaceSummitHeld',
]);
// Codes Intl knows as regions that are not ISO 3166-1 countries.
const NOT_COUNTRIES = new Set(['AC', 'CP', 'CQ', 'DG', 'EA', 'EU', 'EZ', 'IC', 'QO', 'TA', 'UN', 'XA', 'XB', 'XK', 'ZZ']);

const $ = (id) => document.getElementById(id);
const ui = {
  organizationForm: $('organization-form'),
  organizationSelect: $('organization-select'),
  countryForm: $('country-form'),
  countryInput: $('country-input'),
  pairForm: $('pair-form'),
  pairA: $('pair-a'),
  pairB: $('pair-b'),
  countryCodes: $('country-codes'),
  asOf: $('as-of'),
  asOfToday: $('as-of-today'),
  knownAt: $('known-at'),
  knownAtValue: $('known-at-value'),
  knownAtLatest: $('known-at-latest'),
  status: $('status'),
  viewHeading: $('view-heading'),
  viewSummary: $('view-summary'),
  timeline: $('timeline'),
  list: $('development-list'),
  membershipHeading: $('membership-heading'),
  membershipBody: $('membership-body'),
  detailsPanel: $('details-panel'),
  side: document.querySelector('.side'),
  detailsHeading: $('details-heading'),
  detailsBody: $('details-body'),
};

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const instantFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
  timeZone: 'UTC',
});

function countryName(code) {
  if (!code) return '';
  try {
    return /^[A-Za-z]{2}$/.test(code) ? (regionNames.of(code.toUpperCase()) ?? code) : code.toUpperCase();
  } catch {
    return code;
  }
}

/** `2024` | `2024-07` | `2024-07-03` → its first day as a UTC timestamp. */
function periodStart(partial) {
  const [year, month = 1, day = 1] = partial.split('-').map(Number);
  return Date.UTC(year, month - 1, day);
}

/** The first day after the period (exclusive end). */
function periodEnd(partial) {
  const [year, month, day] = partial.split('-').map(Number);
  if (day) return Date.UTC(year, month - 1, day + 1);
  if (month) return Date.UTC(year, month, 1);
  return Date.UTC(year + 1, 0, 1);
}

const precisionOf = (partial) => ['year', 'month', 'day'][partial.split('-').length - 1];

function formatPartial(partial) {
  if (!partial) return '';
  const precision = precisionOf(partial);
  if (precision === 'day') return dayFormat.format(periodStart(partial));
  if (precision === 'month') return monthFormat.format(periodStart(partial));
  return partial;
}

function formatPeriod(from, to) {
  if (!to || to === from) return formatPartial(from);
  if (precisionOf(from) === 'day' && precisionOf(to) === 'day') return dayFormat.formatRange(periodStart(from), periodStart(to));
  return `${formatPartial(from)} – ${formatPartial(to)}`;
}

const formatInstant = (iso) => `${instantFormat.format(new Date(iso))} UTC`;
const today = () => new Date().toISOString().slice(0, 10);
const plural = (count, one, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

function listNames(codes, max = 8) {
  const names = codes.map(countryName);
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]);
}

/** Builds DOM from text only: `el('p', { className: 'x' }, 'text', child)`. Never parses HTML. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// ---------------------------------------------------------------------------
// State and the address
// ---------------------------------------------------------------------------

const CODE = /^[A-Za-z]{2,3}$/;
const ORGANIZATION_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/;
const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

/** @typedef {{ type: 'organization', code: string } | { type: 'country', code: string } | { type: 'pair', a: string, b: string }} View */

const state = {
  /** @type {View | null} */ view: null,
  /** @type {string | null} partial date; null = today */ asOf: null,
  /** @type {string | null} ISO instant; null = everything recorded */ asKnownAt: null,
  /** @type {string | null} */ development: null,
};

function readAddress() {
  const params = new URLSearchParams(location.search);
  const organization = params.get('organization')?.trim();
  const country = params.get('country')?.trim();
  const countries = params
    .get('countries')
    ?.split(',')
    .map((code) => code.trim())
    .filter(Boolean);
  let view = null;
  if (organization && ORGANIZATION_CODE.test(organization)) view = { type: 'organization', code: organization.toUpperCase() };
  else if (country && CODE.test(country)) view = { type: 'country', code: country.toUpperCase() };
  else if (countries?.length === 2 && countries.every((code) => CODE.test(code)))
    view = { type: 'pair', a: countries[0].toUpperCase(), b: countries[1].toUpperCase() };
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
const encode = (value) => encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':');

function viewParams(view) {
  if (!view) return [];
  if (view.type === 'organization') return [['organization', view.code]];
  if (view.type === 'country') return [['country', view.code]];
  return [['countries', `${view.a},${view.b}`]];
}

function addressOf(overrides = {}) {
  const next = { ...state, ...overrides };
  const params = [...viewParams(next.view)];
  if (next.asOf) params.push(['asOf', next.asOf]);
  if (next.asKnownAt) params.push(['asKnownAt', next.asKnownAt]);
  if (next.development) params.push(['development', next.development]);
  return `${location.pathname}${params.length ? `?${params.map(([key, value]) => `${key}=${encode(value)}`).join('&')}` : ''}`;
}

/** Keeps the address in step with what is shown. A new view is a new history entry; everything else replaces it. */
function syncAddress({ push = false } = {}) {
  const url = addressOf();
  if (url === `${location.pathname}${location.search}`) return;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
}

const sameView = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const viewKey = (view) =>
  viewParams(view)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');

// ---------------------------------------------------------------------------
// The API
// ---------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The server answered ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// A service with PUBLIC_READS=false asks for a key: the page asks the reader once and keeps it for this tab only.
const KEY_STORAGE = 'annals.apiKey';
const storedKey = () => sessionStorage.getItem(KEY_STORAGE) || '';

function askForKey(message) {
  const form = document.getElementById('key-form');
  form.hidden = false;
  setStatus(message, { error: true });
  document.getElementById('key-input').focus();
}

function wireKey() {
  const form = document.getElementById('key-form');
  const forget = document.getElementById('key-forget');
  forget.hidden = !storedKey();
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, document.getElementById('key-input').value.trim());
    location.reload();
  });
  forget.addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
}

async function getJson(path, params = {}, signal) {
  const query = Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== null && value !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  const headers = { accept: 'application/json' };
  if (storedKey()) headers.authorization = `Bearer ${storedKey()}`;
  const response = await fetch(query ? `${path}?${query}` : path, { headers, signal });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    if (response.status === 401) {
      askForKey(storedKey() ? 'That API key was not accepted: enter another.' : 'This service needs an API key to read: enter yours.');
    }
    throw new ApiError(response.status, problem);
  }
  return response.json();
}

/** Every page of a timeline (following `nextCursor`). */
async function fetchTimeline(path, params, signal) {
  const items = [];
  let cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await getJson(path, { ...params, limit: PAGE_LIMIT, cursor }, signal);
    items.push(...answer.items);
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  return items;
}

function timelinePath(view) {
  const code = encodeURIComponent;
  if (view.type === 'organization') return `/api/organizations/${code(view.code)}/timeline`;
  if (view.type === 'country') return `/api/countries/${code(view.code)}/timeline`;
  return `/api/countries/${code(view.a)}/relations/${code(view.b)}/timeline`;
}

// ---------------------------------------------------------------------------
// vis-timeline (loaded on demand; the list renders without it)
// ---------------------------------------------------------------------------

let visLoading;
function loadVis() {
  if (window.vis?.Timeline) return Promise.resolve(window.vis);
  visLoading ??= new Promise((resolve, reject) => {
    // The standalone build also injects its stylesheet as inline <style> elements, which this page's
    // Content-Security-Policy refuses (and reports). The same rules come from the linked stylesheet,
    // so while the script runs those elements are kept out of the document.
    const head = document.head;
    const append = head.appendChild;
    const insert = head.insertBefore;
    head.appendChild = function (node) {
      return node instanceof HTMLStyleElement ? node : append.call(this, node);
    };
    head.insertBefore = function (node, reference) {
      return node instanceof HTMLStyleElement ? node : insert.call(this, node, reference);
    };
    const restore = () => {
      delete head.appendChild;
      delete head.insertBefore;
    };
    const script = document.createElement('script');
    script.src = VIS_SCRIPT;
    script.onload = () => {
      restore();
      if (window.vis?.Timeline) resolve(window.vis);
      else reject(new Error('vis-timeline did not load'));
    };
    script.onerror = () => {
      restore();
      reject(new Error('vis-timeline could not be loaded'));
    };
    append.call(head, script);
  });
  return visLoading;
}

let timeline;
let timelineItems;
let timelineView = '';
const itemDevelopments = new Map();
/** Items with a period (summits with an end): drawn as ranges when wide enough to read, else as boxes. */
const spans = new Map();
const MIN_RANGE_PX = 72;
/** Presidency and membership ranges: labelled with the name when it fits, else the code, else nothing (the tooltip says it). */
const rangeLabels = new Map();

async function renderTimeline(data) {
  let vis;
  try {
    vis = await loadVis();
  } catch (error) {
    ui.timeline.replaceChildren(
      el('p', { className: 'muted' }, `The interactive timeline is unavailable (${error.message}); every development is listed below.`),
    );
    return;
  }
  if (data !== current) return;
  const { groups, items } = buildTimelineData(data);
  timelineItems = new vis.DataSet(items);
  const key = viewKey(data.view);
  const story = items.length ? storyWindow(data) : null;
  if (!timeline) {
    timelineView = key;
    timeline = new vis.Timeline(ui.timeline, timelineItems, new vis.DataSet(groups), {
      ...(story ?? {}),
      moment: (date) => vis.moment(date).utc(),
      orientation: { axis: 'top', item: 'top' },
      stack: true,
      groupOrder: 'order',
      // No horizontal margin: back-to-back periods (one presidency ending as the next begins) share a row.
      margin: { item: { horizontal: 0, vertical: 4 }, axis: 6 },
      maxHeight: 520,
      minHeight: 180,
      zoomMin: 14 * DAY,
      zoomMax: 120 * 365 * DAY,
      zoomKey: 'ctrlKey',
      showCurrentTime: true,
      selectable: true,
      multiselect: false,
      tooltip: { followMouse: false, overflowMethod: 'cap', delay: 200 },
    });
    timeline.on('select', ({ items: selected }) => {
      const id = itemDevelopments.get(selected?.[0]);
      if (id) void selectDevelopment(id, { origin: 'timeline' });
    });
    timeline.on('timechanged', ({ id, time }) => {
      if (id !== 'as-of') return;
      const day = new Date(time).toISOString().slice(0, 10);
      setAsOf(day === today() ? null : day);
    });
    timeline.on('rangechanged', () => {
      fitSpans();
      // vis-timeline opened on a given window shows itself on the first redraw after its first range change;
      // when a resize consumed that redraw it would stay hidden, so ask for one more.
      if (ui.timeline.querySelector('.vis-timeline')?.style.visibility === 'hidden') timeline.redraw();
    });
    timeline.addCustomTime(new Date(periodStart(state.asOf ?? today())), 'as-of');
  } else {
    timeline.setData({ groups: new vis.DataSet(groups), items: timelineItems });
  }
  updateAsOfMarker();
  if (key !== timelineView) {
    timelineView = key;
    if (story) timeline.setWindow(story.start, story.end, { animation: false });
    else if (items.length) timeline.fit({ animation: false });
  }
  fitSpans();
  if (state.development) timeline.setSelection(itemIdsOf(state.development));
}

/** Opens on the recent story: the last decade of a long history (null: fit everything, it is short). */
function storyWindow(data) {
  if (!data.entries.length) return null;
  const first = Math.min(...data.entries.map((entry) => periodStart(entry.occurredOn)));
  const last = Math.max(...data.entries.map((entry) => periodEnd(entry.endsOn ?? entry.occurredOn)));
  const decade = 10 * 365.25 * DAY;
  if (last - first <= 1.2 * decade) return null;
  const end = Math.max(last, Date.now()) + 0.05 * decade;
  return { start: new Date(end - 1.05 * decade), end: new Date(end) };
}

function fitSpans() {
  if (!timeline || !timelineItems) return;
  const visible = timeline.getWindow();
  const width = ui.timeline.querySelector('.vis-center')?.clientWidth || ui.timeline.clientWidth || 1;
  const pxPerMs = width / (visible.end - visible.start);
  const updates = [];
  for (const [id, span] of spans) {
    const wide = (span.end - span.start) * pxPerMs >= MIN_RANGE_PX;
    const item = timelineItems.get(id);
    if (!item || (item.type === 'range') === wide) continue;
    updates.push(wide ? { id, type: 'range', end: new Date(span.end) } : { id, type: 'box', end: null });
  }
  for (const [id, label] of rangeLabels) {
    const px = (label.end - label.start) * pxPerMs;
    const text = px >= label.name.length * 7.5 + 14 ? label.name : px >= label.code.length * 9 + 12 ? label.code : '';
    if (text === label.shown) continue;
    label.shown = text;
    updates.push({ id, content: itemContent(text) });
  }
  if (updates.length) timelineItems.update(updates);
}

function updateAsOfMarker() {
  if (!timeline) return;
  const asOf = state.asOf ?? today();
  timeline.setCustomTime(new Date(periodStart(asOf)), 'as-of');
  timeline.setCustomTimeTitle(`Members as of ${formatPartial(asOf)} — drag to change`, 'as-of');
}

const itemIdsOf = (developmentId) => [...itemDevelopments].filter(([, id]) => id === developmentId).map(([itemId]) => itemId);

function itemContent(text) {
  return el('span', { className: 'item-label' }, text);
}

function developmentItem(entry, group) {
  const start = new Date(periodStart(entry.occurredOn));
  const { absent } = presentAndAbsent(entry);
  const absence = absent.length ? `<br>Absent (did not attend): ${escapeHtml(listNames(absent))}` : '';
  const tooltip = `<strong>${escapeHtml(entry.title)}</strong><br>${escapeHtml(formatPeriod(entry.occurredOn, entry.endsOn))} · ${escapeHtml(KIND_LABELS[entry.kind] ?? entry.kind)}${absence}`;
  const item = {
    id: entry.developmentId,
    group,
    content: itemContent(entry.title),
    title: tooltip,
    start,
    className: `kind-${entry.kind}${entry.corrected ? ' is-corrected' : ''}`,
  };
  item.type = 'box';
  if (entry.endsOn && periodEnd(entry.endsOn) - start.getTime() > DAY)
    spans.set(item.id, { start: start.getTime(), end: periodEnd(entry.endsOn) });
  itemDevelopments.set(item.id, entry.developmentId);
  return item;
}

/** Memberships and presidencies become ranges; summits with an end become ranges; the rest are points. */
function buildTimelineData(data) {
  itemDevelopments.clear();
  spans.clear();
  rangeLabels.clear();
  const { view, entries } = data;
  const now = Date.now();
  const groups = [];
  const items = [];
  const used = new Set();
  const byKind = (kind) => entries.filter((entry) => entry.kind === kind);

  groups.push({ id: 'events', content: 'Summits & meetings', order: 1 });
  if (view.type === 'organization') {
    groups.push({ id: 'presidency', content: 'Presidency', order: 2 });
    groups.push({ id: 'members', content: coverageOf(view.code) === 'complete' ? 'Members' : 'Recorded members', order: 3 });
    const handovers = byKind('presidency-handover');
    for (const period of data.presidencies ?? []) {
      const handover = handovers.find(
        (entry) => entry.occurredOn === period.from && entry.countries.includes(period.country) && !used.has(entry.developmentId),
      );
      if (handover) used.add(handover.developmentId);
      const id = handover?.developmentId ?? `presidency:${period.country}:${period.from}`;
      const end = period.to ? periodStart(period.to) : Math.max(now, periodStart(period.from) + DAY);
      rangeLabels.set(id, {
        name: countryName(period.country),
        code: period.country,
        start: periodStart(period.from),
        end,
        shown: countryName(period.country),
      });
      items.push({
        id,
        group: 'presidency',
        type: 'range',
        start: new Date(periodStart(period.from)),
        end: new Date(end),
        content: itemContent(countryName(period.country)),
        title: `${escapeHtml(countryName(period.country))} holds the presidency: ${escapeHtml(formatPartial(period.from))} – ${period.to ? escapeHtml(formatPartial(period.to)) : 'today'}`,
        className: 'kind-presidency-handover derived',
      });
      if (handover) itemDevelopments.set(id, handover.developmentId);
    }
    // A term that ended before anyone is known to follow: the gap is shown, not bridged.
    const chain = data.presidencies ?? [];
    for (const [index, period] of chain.entries()) {
      if (!period.to) continue;
      const gapStart = periodStart(period.to);
      const next = chain.slice(index + 1).find((later) => periodStart(later.from) >= gapStart);
      const gapEnd = next ? periodStart(next.from) : Math.max(now, gapStart + DAY);
      if (gapEnd - gapStart < DAY) continue;
      items.push({
        id: `presidency-gap:${period.to}`,
        group: 'presidency',
        type: 'background',
        start: new Date(gapStart),
        end: new Date(gapEnd),
        content: itemContent('no known holder'),
        title: `No known holder of the presidency from ${escapeHtml(formatPartial(period.to))}`,
        className: 'presidency-gap',
      });
    }
    membershipRanges({
      entries,
      current: data.currentMembers ?? [],
      keyOf: (entry) => entry.countries[0],
      keyOfMember: (member) => member.country,
      label: (key, member) => memberLabel(countryName(key), member),
      used,
      items,
      now,
    });
  } else if (view.type === 'country') {
    groups.push({ id: 'members', content: 'Memberships', order: 3 });
    membershipRanges({
      entries,
      current: data.currentMemberships ?? [],
      keyOf: (entry) => entry.organizations[0],
      keyOfMember: (membership) => membership.organization,
      label: (key, membership) => memberLabel(key, membership),
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
  const withItems = new Set(items.map((item) => item.group));
  return { groups: groups.filter((group) => withItems.has(group.id)), items };
}

const memberLabel = (name, member) =>
  member?.status && member.status !== 'member' ? `${name} (${STATUS_LABELS[member.status] ?? member.status})` : name;

/**
 * A membership range runs from its approval (its effective date when the membership is current) to its ending,
 * or to today. Approvals that cannot be placed that way stay points.
 */
function membershipRanges({ entries, current, keyOf, keyOfMember, label, used, items, now }) {
  const currentByKey = new Map(current.map((member) => [keyOfMember(member), member]));
  const endings = entries.filter((entry) => entry.kind === 'membership-ending');
  const approvals = entries.filter((entry) => entry.kind === 'membership-approval');
  for (const [index, approval] of approvals.entries()) {
    const key = keyOf(approval);
    if (!key) continue;
    const start = periodStart(approval.occurredOn);
    const nextApproval = approvals.slice(index + 1).find((other) => keyOf(other) === key);
    const ending = endings.find(
      (other) =>
        keyOf(other) === key &&
        periodStart(other.occurredOn) >= start &&
        (!nextApproval || periodStart(other.occurredOn) <= periodStart(nextApproval.occurredOn)),
    );
    const member = currentByKey.get(key);
    let from;
    let to;
    if (ending) {
      from = start;
      to = periodStart(ending.occurredOn);
    } else if (member && !nextApproval && periodStart(member.since) >= start) {
      from = periodStart(member.since);
      to = Math.max(now, from + DAY);
    } else {
      continue;
    }
    used.add(approval.developmentId);
    const name = label(key, member);
    rangeLabels.set(approval.developmentId, { name, code: key, start: from, end: Math.max(to, from + DAY), shown: name });
    items.push({
      id: approval.developmentId,
      group: 'members',
      type: 'range',
      start: new Date(from),
      end: new Date(Math.max(to, from + DAY)),
      content: itemContent(label(key, member)),
      title: `<strong>${escapeHtml(approval.title)}</strong><br>${escapeHtml(formatPartial(approval.occurredOn))}${ending ? ` – ${escapeHtml(formatPartial(ending.occurredOn))}` : ' – today'}`,
      className: `kind-membership-approval derived${approval.corrected ? ' is-corrected' : ''}`,
    });
    itemDevelopments.set(approval.developmentId, approval.developmentId);
  }
}

// ---------------------------------------------------------------------------
// Loading a view
// ---------------------------------------------------------------------------

let organizations = [];
let current = null; // the data on screen
let controller; // aborts superseded loads
const instantCache = new Map(); // view key → every recordedAt of its timeline (for the "known at" slider)

function setStatus(text, { error = false } = {}) {
  ui.status.textContent = text;
  ui.status.classList.toggle('is-error', error);
}

async function load({ keepDetails = false } = {}) {
  const view = state.view;
  if (!view) return;
  follow(view);
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const asKnownAt = state.asKnownAt ?? undefined;
  const key = viewKey(view);
  setStatus('Loading…');
  ui.list.setAttribute('aria-busy', 'true');
  renderHeading(view);
  try {
    const path = timelinePath(view);
    const entriesPromise = fetchTimeline(path, { asKnownAt }, signal);
    const instantsPromise = instantCache.has(key)
      ? Promise.resolve(instantCache.get(key))
      : (asKnownAt ? fetchTimeline(path, {}, signal) : entriesPromise).then((all) => {
          const instants = [...new Set(all.map((entry) => entry.recordedAt))].sort();
          instantCache.set(key, instants);
          return instants;
        });
    const extras = {};
    if (view.type === 'organization') {
      const code = encodeURIComponent(view.code);
      extras.presidencies = getJson(`/api/organizations/${code}/presidencies`, { asKnownAt }, signal);
      extras.currentMembers = getJson(`/api/organizations/${code}/members`, { asOf: today(), asKnownAt }, signal).then(
        (answer) => answer.members,
      );
    } else if (view.type === 'country') {
      extras.currentMemberships = getJson(
        `/api/countries/${encodeURIComponent(view.code)}/memberships`,
        { asOf: today(), asKnownAt },
        signal,
      );
    }
    const [entries, instants, ...values] = await Promise.all([entriesPromise, instantsPromise, ...Object.values(extras)]);
    const data = { view, entries, asKnownAt: state.asKnownAt };
    Object.keys(extras).forEach((name, index) => (data[name] = values[index]));
    current = data;
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
    current = null;
    ui.list.replaceChildren(el('p', { className: 'muted' }, 'Nothing to show.'));
    ui.membershipBody.replaceChildren();
    ui.viewSummary.textContent = '';
    timeline?.setData({ groups: [], items: [] });
    setStatus(`Could not load this view: ${error.message}`, { error: true });
  } finally {
    if (!signal.aborted) ui.list.removeAttribute('aria-busy');
  }
}

function describeLoaded(data) {
  const count = plural(data.entries.length, 'development');
  return data.asKnownAt ? `Showing ${count} as known at ${formatInstant(data.asKnownAt)}.` : `Showing ${count}.`;
}

function viewTitle(view) {
  if (view.type === 'organization') {
    const organization = organizations.find((candidate) => candidate.code === view.code);
    return organization ? `${organization.name} (${organization.code})` : view.code;
  }
  if (view.type === 'country') return `${countryName(view.code)}`;
  return `${countryName(view.a)} and ${countryName(view.b)}`;
}

function renderHeading(view) {
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

function renderSummary(data) {
  const { view, entries } = data;
  const parts = [plural(entries.length, 'development')];
  if (entries.length) parts.push(formatPeriod(entries[0].occurredOn, entries.at(-1).occurredOn));
  if (view.type === 'pair') parts.push('developments naming both countries');
  if (view.type === 'organization') {
    const organization = organizations.find((candidate) => candidate.code === view.code);
    if (organization?.wikidataId) parts.push(`Wikidata ${organization.wikidataId}`);
  }
  ui.viewSummary.textContent = parts.join(' · ');
}

function renderList(data) {
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
  const years = new Map();
  for (const entry of [...entries].reverse()) {
    const year = entry.occurredOn.slice(0, 4);
    if (!years.has(year)) years.set(year, []);
    years.get(year).push(entry);
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

const NARROW = window.matchMedia('(max-width: 56rem)');

/**
 * Keeps the reader's place: on a narrow screen (one column) the details open right under the chosen entry;
 * on a wide one they stand beside the list, in the side column.
 */
function placeDetails() {
  const item = state.development ? ui.list.querySelector(`.entry[data-development="${CSS.escape(state.development)}"]`) : null;
  if (NARROW.matches && item) {
    if (ui.detailsPanel.parentElement !== item) item.append(ui.detailsPanel);
  } else if (ui.detailsPanel.parentElement !== ui.side) ui.side.append(ui.detailsPanel);
}

/** Back from the details to the chosen entry in the list. */
function backToEntry() {
  const link = state.development ? ui.list.querySelector(`a.entry-link[data-development="${CSS.escape(state.development)}"]`) : null;
  if (!link) return;
  link.scrollIntoView({ block: 'center' });
  link.focus({ preventScroll: true });
}

/** The countries of an entry in a role, from its `roles` (every country, in no role, for an older answer). */
const inRole = (entry, ...wanted) =>
  entry.roles
    ? [...new Set(entry.roles.filter((r) => wanted.includes(r.role)).map((r) => r.country))]
    : wanted.includes('participant')
      ? entry.countries
      : [];
/** Countries that took part (never an absentee), and those that were absent. */
function presentAndAbsent(entry) {
  const absent = inRole(entry, 'absentee');
  const present = inRole(entry, 'participant', 'host', 'attendee', 'member', 'from', 'to').filter((code) => !absent.includes(code));
  return { present, absent };
}

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
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
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
      el('span', { className: `badge kind-${entry.kind}` }, KIND_LABELS[entry.kind] ?? entry.kind),
      entry.corrected ? el('span', { className: 'badge is-corrected' }, 'corrected') : null,
    ),
    el('h4', { className: 'entry-title' }, link),
    entry.summary ? el('p', { className: 'entry-summary' }, entry.summary) : null,
    where.length ? el('p', { className: 'entry-where' }, where.join(' · ')) : null,
    absent.length ? el('p', { className: 'entry-absent' }, `Absent (did not attend): ${listNames(absent, 20)}`) : null,
  );
}

function markSelected() {
  for (const item of ui.list.querySelectorAll('.entry')) {
    const selected = item.dataset.development === state.development;
    item.classList.toggle('is-selected', selected);
    const link = item.querySelector('.entry-link');
    if (selected) link.setAttribute('aria-current', 'true');
    else link.removeAttribute('aria-current');
  }
}

/** Re-points the entry links at the current state (asOf / asKnownAt changes). */
function refreshLinks() {
  for (const link of ui.list.querySelectorAll('a.entry-link')) link.href = addressOf({ development: link.dataset.development });
  for (const link of document.querySelectorAll('a[data-view]'))
    link.href = addressOf({ view: JSON.parse(link.dataset.view), development: null });
}

// ---------------------------------------------------------------------------
// Members / memberships as of a date
// ---------------------------------------------------------------------------

function viewLink(view, text) {
  const link = el('a', { href: addressOf({ view, development: null }), dataset: { view: JSON.stringify(view) } }, text);
  link.addEventListener('click', (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    void navigate(view);
  });
  return link;
}

let membershipRequests = 0;

async function loadMembership(signal) {
  const request = ++membershipRequests;
  const stale = () => request !== membershipRequests || signal?.aborted;
  const view = state.view;
  const asOf = state.asOf ?? today();
  const asKnownAt = state.asKnownAt ?? undefined;
  const when = `${formatPartial(asOf)}${state.asOf ? '' : ' (today)'}`;
  try {
    if (view.type === 'organization') {
      const code = encodeURIComponent(view.code);
      const [answer, presidencies] = await Promise.all([
        getJson(`/api/organizations/${code}/members`, { asOf, asKnownAt }, signal),
        current?.presidencies && sameView(current.view, view) && current.asKnownAt === state.asKnownAt
          ? Promise.resolve(current.presidencies)
          : getJson(`/api/organizations/${code}/presidencies`, { asKnownAt }, signal),
      ]);
      if (stale()) return;
      const partial = coverageOf(view.code) !== 'complete';
      ui.membershipHeading.textContent = `${partial ? 'Recorded members' : 'Members'} on ${when}`;
      const holder = presidencies
        .filter((period) => periodStart(period.from) <= periodStart(asOf) && (!period.to || periodStart(period.to) > periodStart(asOf)))
        .at(-1);
      // A term that ended with nobody known to follow: say so rather than show the last holder.
      const ended = holder ? null : presidencies.filter((period) => period.to && periodStart(period.to) <= periodStart(asOf)).at(-1);
      ui.membershipBody.replaceChildren(
        el(
          'p',
          { className: 'panel-summary' },
          partial ? plural(answer.members.length, 'recorded member') : plural(answer.members.length, 'member'),
          holder ? ` · presidency: ${countryName(holder.country)} since ${formatPartial(holder.from)}` : '',
          ended ? ` · presidency: no known holder since ${formatPartial(ended.to)} (${countryName(ended.country)}'s term ended)` : '',
        ),
        partial
          ? el(
              'p',
              { className: 'coverage-note', id: 'coverage-note' },
              'The record of this organization’s members is partial: these are the members recorded so far, not its full membership.',
            )
          : '',
        answer.members.length
          ? el(
              'ul',
              { className: 'members', id: 'member-list' },
              answer.members.map((member) =>
                el(
                  'li',
                  { dataset: { country: member.country } },
                  viewLink({ type: 'country', code: member.country }, member.name),
                  el('span', { className: 'code' }, member.country),
                  el(
                    'span',
                    { className: 'since' },
                    `${STATUS_LABELS[member.status] ?? member.status} since ${formatPartial(member.since)}`,
                  ),
                ),
              ),
            )
          : el('p', { className: 'muted' }, 'No members on this date.'),
      );
    } else if (view.type === 'country') {
      const memberships = await getJson(`/api/countries/${encodeURIComponent(view.code)}/memberships`, { asOf, asKnownAt }, signal);
      if (stale()) return;
      ui.membershipHeading.textContent = `Memberships on ${when}`;
      ui.membershipBody.replaceChildren(membershipList(memberships));
    } else {
      const [a, b] = await Promise.all(
        [view.a, view.b].map((code) => getJson(`/api/countries/${encodeURIComponent(code)}/memberships`, { asOf, asKnownAt }, signal)),
      );
      if (stale()) return;
      const inB = new Set(b.map((membership) => membership.organization));
      const shared = a.filter((membership) => inB.has(membership.organization));
      ui.membershipHeading.textContent = `Memberships on ${when}`;
      ui.membershipBody.replaceChildren(
        el('h3', {}, 'Shared'),
        shared.length
          ? el(
              'ul',
              { className: 'members' },
              shared.map((membership) =>
                el('li', {}, viewLink({ type: 'organization', code: membership.organization }, organizationName(membership.organization))),
              ),
            )
          : el('p', { className: 'muted' }, 'None.'),
        el('h3', {}, countryName(view.a)),
        membershipList(a),
        el('h3', {}, countryName(view.b)),
        membershipList(b),
      );
    }
  } catch (error) {
    if (stale()) return;
    ui.membershipBody.replaceChildren(el('p', { className: 'error' }, `Could not load: ${error.message}`));
  }
}

/** `complete` when the service records every member since the founding; anything else is presented as partial. */
const coverageOf = (code) => organizations.find((candidate) => candidate.code === code)?.membershipCoverage ?? 'partial';

const organizationName = (code) => {
  const organization = organizations.find((candidate) => candidate.code === code);
  return organization && organization.name !== code ? `${organization.name} (${code})` : code;
};

function membershipList(memberships) {
  if (!memberships.length) return el('p', { className: 'muted' }, 'No memberships on this date.');
  return el(
    'ul',
    { className: 'members' },
    memberships.map((membership) =>
      el(
        'li',
        {},
        viewLink({ type: 'organization', code: membership.organization }, organizationName(membership.organization)),
        el(
          'span',
          { className: 'since' },
          `${STATUS_LABELS[membership.status] ?? membership.status} since ${formatPartial(membership.since)}`,
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------------------
// "Known at": a slider over the instants this view's developments were recorded, ending at "latest"
// ---------------------------------------------------------------------------

let knownAtInstants = [];
let sliding = false;

function renderKnownAt(recorded) {
  const instants = [...recorded];
  if (state.asKnownAt && !instants.includes(state.asKnownAt)) instants.push(state.asKnownAt);
  instants.sort((a, b) => Date.parse(a) - Date.parse(b));
  knownAtInstants = instants;
  ui.knownAt.max = String(instants.length);
  ui.knownAt.disabled = instants.length === 0;
  // While the thumb is held, the reader's hand wins over answers still arriving for earlier positions.
  if (!sliding) ui.knownAt.value = String(state.asKnownAt ? instants.indexOf(state.asKnownAt) : instants.length);
  describeKnownAt();
}

function describeKnownAt() {
  const index = Number(ui.knownAt.value);
  const instant = knownAtInstants[index];
  const total = instantCache.get(viewKey(state.view))?.length ?? 0;
  let text;
  if (!instant) {
    text = 'Latest: everything recorded so far';
  } else {
    const known = instantCache.get(viewKey(state.view))?.filter((recordedAt) => Date.parse(recordedAt) <= Date.parse(instant)).length ?? 0;
    text = `${formatInstant(instant)} — ${known} of ${plural(total, 'development')} recorded by then`;
  }
  ui.knownAtValue.textContent = text;
  ui.knownAt.setAttribute('aria-valuetext', text);
  ui.knownAtLatest.disabled = !instant;
}

let knownAtTimer;
function onKnownAtInput() {
  describeKnownAt();
  clearTimeout(knownAtTimer);
  knownAtTimer = setTimeout(() => setKnownAt(knownAtInstants[Number(ui.knownAt.value)] ?? null), 200);
}

function setKnownAt(instant) {
  clearTimeout(knownAtTimer);
  if (instant === state.asKnownAt) return;
  state.asKnownAt = instant;
  syncAddress();
  refreshLinks();
  void load({ keepDetails: true });
}

// ---------------------------------------------------------------------------
// Details of one development: its sources and its correction history
// ---------------------------------------------------------------------------

let detailsRequest;

async function selectDevelopment(id, { origin }) {
  state.development = id;
  syncAddress();
  markSelected();
  placeDetails();
  if (timeline && origin !== 'timeline') {
    const ids = itemIdsOf(id);
    timeline.setSelection(ids);
    if (ids.length) timeline.focus(ids, { zoom: false, animation: { duration: 300 } });
  }
  if (origin === 'timeline') ui.list.querySelector(`.entry[data-development="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'nearest' });
  await showDetails(id, { focus: origin === 'list' });
}

function clearDetails() {
  ui.detailsHeading.textContent = 'Details';
  ui.detailsBody.replaceChildren(el('p', { className: 'muted' }, 'Choose a development to see its sources and its correction history.'));
}

async function showDetails(id, { focus, signal } = {}) {
  detailsRequest?.abort();
  const request = new AbortController();
  detailsRequest = request;
  signal?.addEventListener('abort', () => request.abort());
  ui.detailsBody.setAttribute('aria-busy', 'true');
  try {
    const development = await getJson(
      `/api/developments/${encodeURIComponent(id)}`,
      { asKnownAt: state.asKnownAt ?? undefined },
      request.signal,
    );
    renderDetails(development);
  } catch (error) {
    if (request.signal.aborted) return;
    ui.detailsHeading.textContent = 'Details';
    ui.detailsBody.replaceChildren(
      el(
        'p',
        { className: error.status === 404 ? 'muted' : 'error' },
        error.status === 404
          ? state.asKnownAt
            ? 'This development had not been recorded yet at that instant.'
            : 'No such development.'
          : `Could not load the development: ${error.message}`,
      ),
    );
  } finally {
    if (detailsRequest === request) ui.detailsBody.removeAttribute('aria-busy');
  }
  if (focus) ui.detailsHeading.focus();
}

function renderDetails(development) {
  ui.detailsHeading.textContent = development.title;
  const facts = [];
  const fact = (term, ...value) => facts.push(el('dt', {}, term), el('dd', {}, ...value));
  fact('When', el('time', { datetime: development.occurredOn }, formatPeriod(development.occurredOn, development.endsOn)));
  fact('Kind', KIND_LABELS[development.kind] ?? development.kind);
  if (development.organization)
    fact('Organization', viewLink({ type: 'organization', code: development.organization }, organizationName(development.organization)));
  if (development.country) fact('Country', countryLink(development.country));
  if (development.status) fact('Status', STATUS_LABELS[development.status] ?? development.status);
  if (development.effectiveOn) fact('Effective', formatPartial(development.effectiveOn));
  if (development.reason && development.kind === 'membership-ending')
    fact('Reason', ENDING_LABELS[development.reason] ?? development.reason);
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
      development.absentees
        .map((absentee) => `${countryName(absentee.country)} (${ABSENCE_LABELS[absentee.reason] ?? absentee.reason})`)
        .join(', '),
    );
  if (development.tags?.length) fact('Tags', development.tags.join(', '));
  const condition = development.retracted ? 'retracted' : development.corrected ? 'corrected' : null;

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
    historyList(development.history ?? []),
    el(
      'p',
      { className: 'raw' },
      el('a', { href: `/api/developments/${encodeURIComponent(development.developmentId)}` }, 'This development as JSON'),
    ),
  ];
  ui.detailsBody.replaceChildren(...parts.filter(Boolean));
}

function countryLink(code) {
  return viewLink({ type: 'country', code }, countryName(code));
}

function sourceList(sources) {
  if (!sources?.length) return el('p', { className: 'muted' }, 'No sources recorded.');
  return el('ul', { className: 'sources' }, sources.map(sourceItem));
}

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

function historyList(history) {
  if (!history.length) return el('p', { className: 'muted' }, 'No history.');
  return el(
    'ol',
    { className: 'history' },
    history.map((event, index) => {
      const recorded = RECORDING_EVENTS.has(event.type);
      const label = recorded
        ? index === 0
          ? 'Recorded'
          : 'Recorded again'
        : event.type === 'DevelopmentCorrected'
          ? 'Corrected'
          : event.type === 'DevelopmentRetracted'
            ? 'Retracted'
            : event.type;
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
      const data = event.data ?? {};
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

function describeValue(value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return PARTIAL_DATE.test(value) ? formatPartial(value) : value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// Keeping up: the open view follows /api/live and says what changed, politely
// ---------------------------------------------------------------------------

let live;
let liveKey = '';
let liveTimer;
const pendingNews = [];
const LIVE_VERBS = { recorded: 'Recorded', corrected: 'Corrected', retracted: 'Retracted' };

/** Whether an entry from the feed belongs to the open view (the feed is already scoped to one side of a pair). */
function belongsToView(entry, view) {
  if (!entry || !view) return false;
  if (view.type === 'organization') return entry.organizations?.includes(view.code);
  if (view.type === 'country') return entry.countries?.includes(view.code);
  return entry.countries?.includes(view.a) && entry.countries?.includes(view.b);
}

function follow(view) {
  const key = viewKey(view);
  if (live && liveKey === key) return;
  live?.close();
  live = undefined;
  liveKey = key;
  // EventSource cannot send a key: a service that needs one for reads is not followed live.
  if (!view || storedKey() || typeof EventSource !== 'function') return;
  const param =
    view.type === 'organization'
      ? `organization=${encodeURIComponent(view.code)}`
      : `country=${encodeURIComponent(view.type === 'country' ? view.code : view.a)}`;
  live = new EventSource(`/api/live?${param}`);
  for (const type of Object.keys(LIVE_VERBS)) {
    live.addEventListener(type, (event) => {
      let entry;
      try {
        entry = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!belongsToView(entry, state.view)) return;
      pendingNews.push(`${LIVE_VERBS[type]}: ${entry.title}`);
      instantCache.delete(viewKey(state.view));
      clearTimeout(liveTimer);
      liveTimer = setTimeout(applyNews, 250);
    });
  }
}

async function applyNews() {
  const news = pendingNews.splice(0);
  if (!news.length) return;
  const liveRegion = document.getElementById('live-status');
  if (state.asKnownAt) {
    // Replaying the past: the news is for the present; say so and leave the replay as it is.
    liveRegion.textContent = `${news.join('; ')} — choose “Latest” to see it.`;
    return;
  }
  await load({ keepDetails: true });
  liveRegion.textContent = `Updated: ${news.join('; ')}.`;
}

// ---------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------

async function navigate(view) {
  if (sameView(view, state.view)) return;
  state.view = view;
  state.development = null;
  syncAddress({ push: true });
  await load();
  ui.viewHeading.focus({ preventScroll: true });
}

function setAsOf(asOf) {
  if (asOf === state.asOf) return;
  state.asOf = asOf;
  ui.asOf.value = asOf ? new Date(periodStart(asOf)).toISOString().slice(0, 10) : today();
  syncAddress();
  refreshLinks();
  updateAsOfMarker();
  void loadMembership(controller?.signal);
}

function readCode(input) {
  const code = input.value.trim().toUpperCase();
  if (!CODE.test(code)) {
    input.setCustomValidity('Enter a two- or three-letter ISO country code, e.g. CN or CHN.');
    input.reportValidity();
    return null;
  }
  input.setCustomValidity('');
  return code;
}

function wireControls() {
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
  ui.knownAt.addEventListener('input', onKnownAtInput);
  ui.knownAt.addEventListener('pointerdown', () => (sliding = true));
  for (const type of ['pointerup', 'pointercancel']) window.addEventListener(type, () => (sliding = false));
  ui.knownAt.addEventListener('change', () => setKnownAt(knownAtInstants[Number(ui.knownAt.value)] ?? null));
  ui.knownAtLatest.addEventListener('click', () => {
    ui.knownAt.value = ui.knownAt.max;
    describeKnownAt();
    setKnownAt(null);
  });
  window.addEventListener('popstate', () => {
    Object.assign(state, readAddress());
    if (!state.view) return;
    ui.asOf.value = state.asOf ? new Date(periodStart(state.asOf)).toISOString().slice(0, 10) : today();
    void load();
  });
}

function fillCountryCodes() {
  const options = [];
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second);
      if (NOT_COUNTRIES.has(code)) continue;
      const name = regionNames.of(code);
      if (name && name !== code) options.push(el('option', { value: code }, name));
    }
  }
  ui.countryCodes.replaceChildren(...options);
}

async function loadOrganizations() {
  try {
    organizations = await getJson('/api/organizations');
  } catch (error) {
    ui.organizationSelect.replaceChildren(el('option', { value: '' }, 'Organizations unavailable'));
    setStatus(`Could not load the organizations: ${error.message}`, { error: true });
    return;
  }
  const active = organizations.filter((organization) => organization.memberCount > 0 || organization.presidency);
  const others = organizations.filter((organization) => !active.includes(organization));
  const option = (organization) => el('option', { value: organization.code }, `${organization.code} — ${organization.name}`);
  ui.organizationSelect.replaceChildren(
    ...[
      el('option', { value: '' }, 'Choose an organization…'),
      active.length ? el('optgroup', { label: 'With recorded members' }, active.map(option)) : null,
      others.length ? el('optgroup', { label: active.length ? 'Others' : 'Organizations' }, others.map(option)) : null,
    ].filter(Boolean),
  );
  if (state.view?.type === 'organization') ui.organizationSelect.value = state.view.code;
}

async function start() {
  wireKey();
  Object.assign(state, readAddress());
  ui.asOf.value = state.asOf ? new Date(periodStart(state.asOf)).toISOString().slice(0, 10) : today();
  fillCountryCodes();
  wireControls();
  void loadVis().catch(() => {});
  const organizationsLoaded = loadOrganizations();
  if (!state.view) {
    // A first visit opens on a real story: the organization with the most recorded members (SCO in the sample data).
    await organizationsLoaded;
    const preferred =
      organizations.find((organization) => organization.code === 'SCO' && organization.memberCount > 0) ??
      [...organizations].sort((a, b) => b.memberCount - a.memberCount)[0];
    if (!preferred) {
      // Waiting for a key says so already.
      if (document.getElementById('key-form').hidden) setStatus('No organizations yet.');
      return;
    }
    state.view = { type: 'organization', code: preferred.code };
    syncAddress();
  }
  await Promise.all([load(), organizationsLoaded.then(() => state.view && renderHeading(state.view))]);
}

void start();
