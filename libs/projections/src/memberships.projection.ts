import type { RecordedEvent } from '@annals/application';
import { membershipFact, walkMemberships, type AnyContent, type DevelopmentKind, type MembershipFact } from '@annals/domain';
import type { MembershipPeriodRow } from '@annals/read-store';
import { applyFact, reconcileCurrentRows } from './facts';
import { recordedMs, type Projection, type ViewTx } from './projection';

const KINDS: readonly DevelopmentKind[] = ['membership-approval', 'membership-ending'];
const KEY = ['status', 'since', 'start_day', 'until', 'end_day', 'approval_id', 'ending_id', 'end_reason'] as const;
const TYPES = new Set(['MembershipApproved', 'MembershipEnded', 'DevelopmentCorrected', 'DevelopmentRetracted']);

/**
 * Membership periods per organization and country, recomputed from the facts whenever one changes, with
 * the same pure walk the invariants use. Period rows are versioned by recorded time.
 */
export const membershipsProjection: Projection = {
  name: 'memberships',
  version: 1,
  tables: ['membership_facts', 'membership_periods'],
  handles: (event) => TYPES.has(event.type),

  async apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const change = await applyFact(view, 'membership_facts', KINDS, event, (content) => ('country' in content ? content.country : null));
      if (!change) continue;
      const pairs = new Set<string>();
      for (const fact of [change.before, change.after]) if (fact?.country) pairs.add(JSON.stringify([fact.organization, fact.country]));
      for (const pair of pairs) {
        const [organization, country] = JSON.parse(pair) as [string, string];
        await recompute(view, organization, country, recordedMs(event));
      }
    }
  },
};

async function recompute(view: ViewTx, organization: string, country: string, at: number): Promise<void> {
  const { db: tx, tables: t } = view;
  const facts = await tx
    .selectFrom(t.membership_facts)
    .selectAll()
    .where('organization', '=', organization)
    .where('country', '=', country)
    .where('retracted', '=', 0)
    .execute();
  const domainFacts = facts
    .map((row) =>
      membershipFact({
        developmentId: row.development_id,
        kind: row.kind as DevelopmentKind,
        content: JSON.parse(row.content) as AnyContent,
        sequence: Number(row.sequence),
      }),
    )
    .filter((fact): fact is MembershipFact => fact !== undefined);
  const wanted = walkMemberships(domainFacts).periods.map((period): MembershipPeriodRow => ({
    organization,
    country,
    status: period.status,
    since: period.since,
    start_day: period.start,
    until: period.until ?? null,
    end_day: period.end ?? null,
    approval_id: period.approvalId,
    ending_id: period.endingId ?? null,
    end_reason: period.endReason ?? null,
    recorded_from: at,
    recorded_to: null,
  }));
  await reconcileCurrentRows(view, 'membership_periods', { organization, country }, wanted, KEY, ['approval_id', 'start_day'], at);
}
