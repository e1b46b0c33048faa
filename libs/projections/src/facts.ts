import type { RecordedEvent } from '@annals/application';
import {
  applyChanges,
  DEVELOPMENT_CORRECTED,
  DEVELOPMENT_RETRACTED,
  kindOfCreationEvent,
  type AnyContent,
  type CorrectedData,
  type DevelopmentKind,
} from '@annals/domain';
import type { FactRow, TableNames, ViewDb } from '@annals/read-store';

type FactTable = 'membership_facts' | 'presidency_facts';

/**
 * Keeps the current content of one family of organization facts (approvals and endings, or handovers),
 * so corrections and retractions can be applied to them. Returns the fact before and after the event.
 */
export async function applyFact(
  tx: ViewDb,
  t: TableNames,
  table: FactTable,
  kinds: readonly DevelopmentKind[],
  event: RecordedEvent,
  countryOf: (content: AnyContent) => string | null,
): Promise<{ before?: FactRow; after?: FactRow } | undefined> {
  const developmentId = event.data.developmentId as string;
  const created = kindOfCreationEvent(event.type);
  if (created) {
    if (!kinds.includes(created)) return undefined;
    const { developmentId: _id, ...content } = event.data;
    const organization = String(content.organization);
    const after: FactRow = {
      development_id: developmentId,
      organization,
      country: countryOf(content as unknown as AnyContent),
      kind: created,
      content: JSON.stringify(content),
      sequence: Number(event.position),
      retracted: 0,
    };
    await tx.insertInto(t[table]).values(after).execute();
    return { after };
  }
  if (event.type !== DEVELOPMENT_CORRECTED && event.type !== DEVELOPMENT_RETRACTED) return undefined;
  if (!kinds.includes(event.data.kind as DevelopmentKind)) return undefined;
  const before = await tx.selectFrom(t[table]).selectAll().where('development_id', '=', developmentId).executeTakeFirst();
  if (!before) return undefined;
  let after: FactRow;
  if (event.type === DEVELOPMENT_RETRACTED) {
    after = { ...before, retracted: 1 };
  } else {
    const content = applyChanges(JSON.parse(before.content) as AnyContent, (event.data as unknown as CorrectedData).changes);
    after = { ...before, content: JSON.stringify(content), country: countryOf(content) };
  }
  await tx
    .updateTable(t[table])
    .set({ content: after.content, country: after.country, retracted: after.retracted })
    .where('development_id', '=', developmentId)
    .execute();
  return { before, after };
}

/** Stable text key of a row's content, to diff current rows against recomputed ones. */
export const rowKey = (row: object, columns: readonly string[]): string =>
  JSON.stringify(columns.map((column) => (row as Record<string, unknown>)[column] ?? null));
