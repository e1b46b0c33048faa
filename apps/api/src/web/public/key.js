// @ts-check
// A service with PUBLIC_READS=false asks for a key: the page asks the reader once and keeps it for this tab only.
import { setStatus, ui } from './dom.js';

const KEY_STORAGE = 'annals.apiKey';

export const storedKey = () => sessionStorage.getItem(KEY_STORAGE) || '';

/** @param {string} message */
export function askForKey(message) {
  ui.keyForm.hidden = false;
  setStatus(message, { error: true });
  ui.keyInput.focus();
}

export function wireKey() {
  ui.keyForget.hidden = !storedKey();
  ui.keyForm.addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, ui.keyInput.value.trim());
    location.reload();
  });
  ui.keyForget.addEventListener('click', () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
}
