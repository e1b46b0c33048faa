// @ts-check
// The interactive timeline (vis-timeline, loaded on demand; the list renders without it).
import { el, ui } from './dom.js';
import { DAY, formatPartial, periodEnd, periodStart, today } from './format.js';
import { buildTimelineData, itemContent } from './timeline-items.js';
import { state, viewKey } from './state.js';
import { selectDevelopment, setAsOf } from './actions.js';

/** @typedef {import('./state.js').VisLibrary} VisLibrary */
/** @typedef {import('./state.js').Shown} Shown */
/** @typedef {import('vis-timeline').DataItem} TimelineItem */

const VIS_SCRIPT = '/vendor/vis-timeline/vis-timeline-graph2d.min.js';
const MIN_RANGE_PX = 72;

/** The standalone build's global, once its script has run. @returns {VisLibrary | undefined} */
const loadedVis = () => /** @type {{ vis?: VisLibrary }} */ (/** @type {unknown} */ (window)).vis;

/** @returns {Promise<VisLibrary>} */
export function loadVis() {
  const loaded = loadedVis();
  if (loaded?.Timeline) return Promise.resolve(loaded);
  state.timeline.loading ??= new Promise((resolve, reject) => {
    // The standalone build also injects its stylesheet as inline <style> elements, which this page's
    // Content-Security-Policy refuses (and reports). The same rules come from the linked stylesheet,
    // so while the script runs those elements are kept out of the document.
    const head = document.head;
    const append = head.appendChild.bind(head);
    const insert = head.insertBefore.bind(head);
    /** @type {<T extends Node>(node: T) => T} */
    const keepStylesOut = (node) => (node instanceof HTMLStyleElement ? node : append(node));
    /** @type {<T extends Node>(node: T, child: Node | null) => T} */
    const keepStylesOutBefore = (node, reference) => (node instanceof HTMLStyleElement ? node : insert(node, reference));
    Object.assign(head, { appendChild: keepStylesOut, insertBefore: keepStylesOutBefore });
    const restore = () => {
      Reflect.deleteProperty(head, 'appendChild');
      Reflect.deleteProperty(head, 'insertBefore');
    };
    const script = document.createElement('script');
    script.src = VIS_SCRIPT;
    script.onload = () => {
      restore();
      const vis = loadedVis();
      if (vis?.Timeline) resolve(vis);
      else reject(new Error('vis-timeline did not load'));
    };
    script.onerror = () => {
      restore();
      reject(new Error('vis-timeline could not be loaded'));
    };
    append(script);
  });
  return state.timeline.loading;
}

/** @param {Shown} data */
export async function renderTimeline(data) {
  /** @type {VisLibrary} */
  let vis;
  try {
    vis = await loadVis();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ui.timeline.replaceChildren(
      el('p', { className: 'muted' }, `The interactive timeline is unavailable (${reason}); every development is listed below.`),
    );
    return;
  }
  if (data !== state.shown) return;
  const view = state.timeline;
  const { groups, items } = buildTimelineData(data);
  view.items = new vis.DataSet(items);
  const key = viewKey(data.view);
  const story = items.length ? storyWindow(data) : null;
  if (!view.widget) {
    view.viewKey = key;
    const widget = new vis.Timeline(ui.timeline, view.items, new vis.DataSet(groups), {
      ...(story ?? {}),
      moment: (/** @type {import('moment').MomentInput} */ date) => vis.moment(date).utc(),
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
    view.widget = widget;
    widget.on('select', (/** @type {{ items?: string[] }} */ { items: selected }) => {
      const id = state.timeline.developments.get(selected?.[0] ?? '');
      if (id) void selectDevelopment(id, { origin: 'timeline' });
    });
    widget.on('timechanged', (/** @type {{ id: string, time: Date }} */ { id, time }) => {
      if (id !== 'as-of') return;
      const day = new Date(time).toISOString().slice(0, 10);
      setAsOf(day === today() ? null : day);
    });
    widget.on('rangechanged', () => {
      fitSpans();
      // vis-timeline opened on a given window shows itself on the first redraw after its first range change;
      // when a resize consumed that redraw it would stay hidden, so ask for one more.
      const drawn = ui.timeline.querySelector('.vis-timeline');
      if (drawn instanceof HTMLElement && drawn.style.visibility === 'hidden') widget.redraw();
    });
    widget.addCustomTime(new Date(periodStart(state.asOf ?? today())), 'as-of');
  } else {
    view.widget.setData({ groups: new vis.DataSet(groups), items: view.items });
  }
  updateAsOfMarker();
  if (key !== view.viewKey) {
    view.viewKey = key;
    if (story) view.widget.setWindow(story.start, story.end, { animation: false });
    else if (items.length) view.widget.fit({ animation: false });
  }
  fitSpans();
  if (state.development) view.widget.setSelection(itemIdsOf(state.development));
}

/** Opens on the recent story: the last decade of a long history (null: fit everything, it is short). @param {Shown} data */
function storyWindow(data) {
  if (!data.entries.length) return null;
  const first = Math.min(...data.entries.map((entry) => periodStart(entry.occurredOn)));
  const last = Math.max(...data.entries.map((entry) => periodEnd(entry.endsOn ?? entry.occurredOn)));
  const decade = 10 * 365.25 * DAY;
  if (last - first <= 1.2 * decade) return null;
  const end = Math.max(last, Date.now()) + 0.05 * decade;
  return { start: new Date(end - 1.05 * decade), end: new Date(end) };
}

/** Ranges too narrow to read become boxes, and range labels shrink to what fits. */
function fitSpans() {
  const { widget, items, spans, labels } = state.timeline;
  if (!widget || !items) return;
  const visible = widget.getWindow();
  const width = ui.timeline.querySelector('.vis-center')?.clientWidth || ui.timeline.clientWidth || 1;
  const pxPerMs = width / (visible.end.getTime() - visible.start.getTime());
  /** @type {Array<Partial<TimelineItem> & { id: string }>} */
  const updates = [];
  for (const [id, span] of spans) {
    const wide = (span.end - span.start) * pxPerMs >= MIN_RANGE_PX;
    const item = items.get(id);
    if (!item || (item.type === 'range') === wide) continue;
    // A box keeps an `end` equal to its start: vis-timeline reads any `end` key (`focus` calls `end.valueOf()`,
    // so null throws) and an update cannot remove the key.
    updates.push(wide ? { id, type: 'range', end: new Date(span.end) } : { id, type: 'box', end: new Date(span.start) });
  }
  for (const [id, label] of labels) {
    const px = (label.end - label.start) * pxPerMs;
    const text = px >= label.name.length * 7.5 + 14 ? label.name : px >= label.code.length * 9 + 12 ? label.code : '';
    if (text === label.shown) continue;
    label.shown = text;
    updates.push({ id, content: /** @type {string} */ (/** @type {unknown} */ (itemContent(text))) });
  }
  if (updates.length) items.update(/** @type {TimelineItem[]} */ (updates));
}

export function updateAsOfMarker() {
  const { widget } = state.timeline;
  if (!widget) return;
  const asOf = state.asOf ?? today();
  widget.setCustomTime(new Date(periodStart(asOf)), 'as-of');
  widget.setCustomTimeTitle(`Members as of ${formatPartial(asOf)} — drag to change`, 'as-of');
}

/** @param {string} developmentId */
export const itemIdsOf = (developmentId) =>
  [...state.timeline.developments].filter(([, id]) => id === developmentId).map(([itemId]) => itemId);

/** Selects a development's items, and brings them into view unless the reader chose it there. @param {string} id @param {boolean} focus */
export function selectOnTimeline(id, focus) {
  const { widget } = state.timeline;
  if (!widget) return;
  const ids = itemIdsOf(id);
  widget.setSelection(ids);
  if (focus && ids.length) widget.focus(ids, { zoom: false, animation: { duration: 300 } });
}

/** Empties the timeline when a view could not be loaded. */
export const clearTimeline = () => state.timeline.widget?.setData({ groups: [], items: [] });
