// @ts-check
// Annals timeline page: native ES modules, no build step, talks only to this origin. This module starts it.
import { load } from './actions.js';
import { fillCountryCodes, loadKinds, loadOrganizations, wireControls } from './controls.js';
import { setStatus, ui } from './dom.js';
import { dayOf, today } from './format.js';
import { wireKey } from './key.js';
import { renderHeading } from './list.js';
import { readAddress, state, syncAddress } from './state.js';
import { loadVis } from './timeline.js';

async function start() {
  wireKey();
  Object.assign(state, readAddress());
  ui.asOf.value = state.asOf ? dayOf(state.asOf) : today();
  fillCountryCodes();
  wireControls();
  void loadVis().catch(() => {});
  state.requests.kinds = loadKinds();
  const organizationsLoaded = loadOrganizations();
  if (!state.view) {
    // A first visit opens on a real story: the organization with the most recorded members (SCO in the sample data).
    await organizationsLoaded;
    const { organizations } = state;
    const preferred =
      organizations.find((organization) => organization.code === 'SCO' && organization.memberCount > 0) ??
      [...organizations].sort((a, b) => b.memberCount - a.memberCount)[0];
    if (!preferred) {
      // Waiting for a key says so already.
      if (ui.keyForm.hidden) setStatus('No organizations yet.');
      return;
    }
    state.view = { type: 'organization', code: preferred.code };
    syncAddress();
  }
  await Promise.all([load(), organizationsLoaded.then(() => state.view && renderHeading(state.view))]);
}

void start();
