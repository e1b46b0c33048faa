import type { RecordedEvent } from '@annals/application';
import { handoverFact, presidencyPeriods, type AnyContent, type DevelopmentKind, type HandoverFact } from '@annals/domain';
import type { PresidencyPeriodRow } from '@annals/read-store';
import { applyFact, reconcileCurrentRows } from './facts';
import { recordedMs, type Projection, type ViewTx } from './projection';

const KINDS: readonly DevelopmentKind[] = ['presidency-handover'];
const KEY = ['country', 'from_on', 'start_day', 'to_on', 'end_day', 'handover_id'] as const;
const TYPES = new Set(['PresidencyHandedOver', 'DevelopmentCorrected', 'DevelopmentRetracted']);

/** Presidency periods per organization: the chain of handovers, recomputed when one changes, versioned by recorded time. */
export const presidenciesProjection: Projection = {
  name: 'presidencies',
  // 2: a term's end (termEndsOn) closes its period.
  version: 2,
  tables: ['presidency_facts', 'presidency_periods'],
  handles: (event) => TYPES.has(event.type),

  async apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const change = await applyFact(view, 'presidency_facts', KINDS, event, (content) => ('to' in content ? content.to : null));
      if (change?.after) await recompute(view, change.after.organization, recordedMs(event));
    }
  },
};

async function recompute(view: ViewTx, organization: string, at: number): Promise<void> {
  const { db: tx, tables: t } = view;
  const facts = await tx
    .selectFrom(t.presidency_facts)
    .selectAll()
    .where('organization', '=', organization)
    .where('retracted', '=', 0)
    .execute();
  const chain = facts
    .map((row) =>
      handoverFact({
        developmentId: row.development_id,
        kind: 'presidency-handover',
        content: JSON.parse(row.content) as AnyContent,
        sequence: Number(row.sequence),
      }),
    )
    .filter((fact): fact is HandoverFact => fact !== undefined);
  const wanted = presidencyPeriods(chain).map((period): PresidencyPeriodRow => ({
    organization,
    country: period.country,
    from_on: period.from,
    start_day: period.start,
    to_on: period.to,
    end_day: period.end,
    handover_id: period.handoverId,
    recorded_from: at,
    recorded_to: null,
  }));
  await reconcileCurrentRows(view, 'presidency_periods', { organization }, wanted, KEY, ['handover_id', 'start_day'], at);
}
