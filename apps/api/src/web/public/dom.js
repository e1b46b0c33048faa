// @ts-check
// The page's elements, found once, and a builder that makes DOM from text only (never parses HTML).

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{ new (): T, prototype: T }} type
 * @returns {T}
 */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return node;
}

const side = document.querySelector('.side');
if (!(side instanceof HTMLElement)) throw new Error('The page has no side column');

export const ui = {
  keyForm: byId('key-form', HTMLFormElement),
  keyInput: byId('key-input', HTMLInputElement),
  keyForget: byId('key-forget', HTMLButtonElement),
  organizationForm: byId('organization-form', HTMLFormElement),
  organizationSelect: byId('organization-select', HTMLSelectElement),
  countryForm: byId('country-form', HTMLFormElement),
  countryInput: byId('country-input', HTMLInputElement),
  pairForm: byId('pair-form', HTMLFormElement),
  pairA: byId('pair-a', HTMLInputElement),
  pairB: byId('pair-b', HTMLInputElement),
  countryCodes: byId('country-codes', HTMLDataListElement),
  asOf: byId('as-of', HTMLInputElement),
  asOfToday: byId('as-of-today', HTMLButtonElement),
  knownAt: byId('known-at', HTMLInputElement),
  knownAtValue: byId('known-at-value', HTMLOutputElement),
  knownAtLatest: byId('known-at-latest', HTMLButtonElement),
  status: byId('status', HTMLParagraphElement),
  liveStatus: byId('live-status', HTMLParagraphElement),
  viewHeading: byId('view-heading', HTMLHeadingElement),
  viewSummary: byId('view-summary', HTMLParagraphElement),
  timeline: byId('timeline', HTMLDivElement),
  list: byId('development-list', HTMLDivElement),
  membershipHeading: byId('membership-heading', HTMLHeadingElement),
  membershipBody: byId('membership-body', HTMLDivElement),
  detailsPanel: byId('details-panel', HTMLElement),
  side,
  detailsHeading: byId('details-heading', HTMLHeadingElement),
  detailsBody: byId('details-body', HTMLDivElement),
};

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * `el('p', { className: 'x' }, 'text', child)`: props set as properties where the element has one
 * (`onclick`, `href`), `dataset` merged, `className` set, the rest as attributes; children appended as nodes or text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'className' && typeof value === 'string') node.className = value;
    else if (key === 'dataset' && typeof value === 'object') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function')
      node.addEventListener(key.slice(2).toLowerCase(), /** @type {EventListener} */ (value));
    else if (key in node && typeof value !== 'string') Reflect.set(node, key, value);
    else node.setAttribute(key, value === true ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A plain left click, which the page handles itself; any other click keeps the link's own behaviour. @param {MouseEvent} event */
export const plainClick = (event) => event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;

/** The status line under the controls. @param {string} text @param {{ error?: boolean }} [options] */
export function setStatus(text, { error = false } = {}) {
  ui.status.textContent = text;
  ui.status.classList.toggle('is-error', error);
}
