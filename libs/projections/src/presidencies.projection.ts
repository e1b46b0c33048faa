import type { RecordedEvent } from '@annals/application';
import { handoverFact, presidencyPeriods, type AnyContent, type DevelopmentKind, type HandoverFact } from '@annals/domain';
import type { PresidencyPeriodRow, TableNames, ViewDb } from '@annals/read-store';
import { applyFact, rowKey } from './facts';
import { recordedMs, type Projection } from './projection';

const KINDS: readonly DevelopmentKind[] = ['presidency-handover'];
const KEY = ['country', 'from_on', 'start_day', 'to_on', 'end_day', 'handover_id'] as const;
const TYPES = new Set(['PresidencyHandedOver', 'DevelopmentCorrected', 'DevelopmentRetracted']);

/** Presidency periods per organization: the chain of handovers, recomputed when one changes, versioned by recorded time. */
export const presidenciesProjection: Projection = {
  name: 'presidencies',
  version: 1,
  tables: ['presidency_facts', 'presidency_periods'],
  handles: (event) => TYPES.has(event.type),

  async apply(tx: ViewDb, t: TableNames, events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      const change = await applyFact(tx, t, 'presidency_facts', KINDS, event, (content) => ('to' in content ? content.to : null));
      if (change?.after) await recompute(tx, t, change.after.organization, recordedMs(event));
    }
  },
};

async function recompute(tx: ViewDb, t: TableNames, organization: string, at: number): Promise<void> {
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
  const current = await tx
    .selectFrom(t.presidency_periods)
    .selectAll()
    .where('organization', '=', organization)
    .where('recorded_to', 'is', null)
    .execute();
  const wantedKeys = new Set(wanted.map((row) => rowKey(row, KEY)));
  const currentKeys = new Set(current.map((row) => rowKey(row, KEY)));
  for (const row of current) {
    if (wantedKeys.has(rowKey(row, KEY))) continue;
    await tx
      .updateTable(t.presidency_periods)
      .set({ recorded_to: at })
      .where('organization', '=', organization)
      .where('handover_id', '=', row.handover_id)
      .where('start_day', '=', row.start_day)
      .where('recorded_to', 'is', null)
      .execute();
  }
  const added = wanted.filter((row) => !currentKeys.has(rowKey(row, KEY)));
  if (added.length > 0) await tx.insertInto(t.presidency_periods).values(added).execute();
}
