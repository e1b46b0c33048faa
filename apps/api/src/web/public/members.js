// @ts-check
// The side panel: an organization's members (and presidency) as of a date, or a country's memberships.
import { getJson } from './api.js';
import { el, ui } from './dom.js';
import { countryName, formatPartial, periodStart, plural, today, words } from './format.js';
import { viewLink } from './list.js';
import { coverageOf, organizationName, sameView, state } from './state.js';

/** @typedef {import('./api.js').Membership} Membership */
/** @typedef {import('./api.js').PresidencyTerm} PresidencyTerm */

/** @param {string} code @param {string | undefined} asKnownAt @param {AbortSignal | undefined} signal @returns {Promise<PresidencyTerm[]>} */
async function presidencyChain(code, asKnownAt, signal) {
  const shown = state.shown;
  if (shown?.periods && sameView(shown.view, state.view) && shown.asKnownAt === state.asKnownAt)
    return 'organization' in shown.periods ? shown.periods.presidencies : [];
  return (await getJson('/api/organizations/{code}/periods', { path: { code }, query: { asKnownAt }, signal })).presidencies;
}

/** @param {string} code @param {string} asOf @param {string | undefined} asKnownAt @param {AbortSignal | undefined} signal */
const membershipsOf = (code, asOf, asKnownAt, signal) =>
  getJson('/api/countries/{code}/memberships', { path: { code }, query: { asOf, asKnownAt }, signal });

/** @param {AbortSignal} [signal] */
export async function loadMembership(signal) {
  const request = ++state.requests.membership;
  const stale = () => request !== state.requests.membership || signal?.aborted;
  const view = state.view;
  if (!view) return;
  const asOf = state.asOf ?? today();
  const asKnownAt = state.asKnownAt ?? undefined;
  const when = `${formatPartial(asOf)}${state.asOf ? '' : ' (today)'}`;
  try {
    if (view.type === 'organization') {
      const [answer, presidencies] = await Promise.all([
        getJson('/api/organizations/{code}/members', { path: { code: view.code }, query: { asOf, asKnownAt }, signal }),
        presidencyChain(view.code, asKnownAt, signal),
      ]);
      if (stale()) return;
      const partial = coverageOf(view.code) !== 'complete';
      ui.membershipHeading.textContent = `${partial ? 'Recorded members' : 'Members'} on ${when}`;
      const day = periodStart(asOf);
      const holder = presidencies.filter((term) => periodStart(term.from) <= day && (!term.to || periodStart(term.to) > day)).at(-1);
      // A term that ended with nobody known to follow: say so rather than show the last holder.
      const ended = holder ? null : presidencies.filter((term) => term.to && periodStart(term.to) <= day).at(-1);
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
                  el('span', { className: 'since' }, `${words(member.status)} since ${formatPartial(member.since)}`),
                ),
              ),
            )
          : el('p', { className: 'muted' }, 'No members on this date.'),
      );
    } else if (view.type === 'country') {
      const memberships = await membershipsOf(view.code, asOf, asKnownAt, signal);
      if (stale()) return;
      ui.membershipHeading.textContent = `Memberships on ${when}`;
      ui.membershipBody.replaceChildren(membershipList(memberships));
    } else {
      const [a, b] = await Promise.all([view.a, view.b].map((code) => membershipsOf(code, asOf, asKnownAt, signal)));
      if (stale() || !a || !b) return;
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
    ui.membershipBody.replaceChildren(
      el('p', { className: 'error' }, `Could not load: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}

/** @param {Membership[]} memberships */
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
        el('span', { className: 'since' }, `${words(membership.status)} since ${formatPartial(membership.since)}`),
      ),
    ),
  );
}
