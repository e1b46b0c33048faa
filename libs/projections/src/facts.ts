import type { RecordedEvent } from '@annals/application';
import {
  applyChanges,
  DEVELOPMENT_CORRECTED,
  DEVELOPMENT_RETRACTED,
  ORGANIZATION_REGISTERED,
  isDomainEvent,
  kindOfCreationEvent,
  type AnyContent,
  type DevelopmentKind,
} from '@annals/domain';
import type { Kysely } from 'kysely';
import type { FactRow, ViewDatabase } from '@annals/read-store';
import type { ViewTx } from './projection';

type FactTable = 'membership_facts' | 'presidency_facts';

/**
 * Keeps the current content of one family of organization facts (approvals and endings, or handovers),
 * so corrections and retractions can be applied to them. Returns the fact before and after the event.
 */
export async function applyFact(
  view: ViewTx,
  table: FactTable,
  kinds: readonly DevelopmentKind[],
  event: RecordedEvent,
  countryOf: (content: AnyContent) => string | null,
): Promise<{ before?: FactRow; after?: FactRow } | undefined> {
  const { db: tx, tables: t } = view;
  const developmentId = event.data.developmentId as string;
  if (!isDomainEvent(event) || event.type === ORGANIZATION_REGISTERED) return undefined;
  const created = kindOfCreationEvent(event.type);
  if (created && event.type !== DEVELOPMENT_CORRECTED && event.type !== DEVELOPMENT_RETRACTED) {
    if (!kinds.includes(created)) return undefined;
    const { developmentId: _id, ...content } = event.data;
    const after: FactRow = {
      development_id: developmentId,
      organization: String(content.organization),
      country: countryOf(content),
      kind: created,
      content: JSON.stringify(content),
      sequence: Number(event.position),
      retracted: 0,
    };
    await view.insert(table, [after]);
    return { after };
  }
  if (event.type !== DEVELOPMENT_CORRECTED && event.type !== DEVELOPMENT_RETRACTED) return undefined;
  if (!kinds.includes(event.data.kind)) return undefined;
  const before = await tx.selectFrom(t[table]).selectAll().where('development_id', '=', developmentId).executeTakeFirst();
  if (!before) return undefined;
  let after: FactRow;
  if (event.type === DEVELOPMENT_RETRACTED) {
    after = { ...before, retracted: 1 };
  } else {
    const content = applyChanges(JSON.parse(before.content) as AnyContent, event.data.changes);
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

/**
 * Makes the current rows of a versioned table (those in `scope` with `recorded_to` null) equal `wanted`:
 * rows no longer wanted are closed at `at`, new ones are opened; unchanged rows keep their history.
 * `key` is what makes two rows the same content; `identity` picks one current row out for closing.
 */
export async function reconcileCurrentRows<T extends 'membership_periods' | 'presidency_periods'>(
  view: ViewTx,
  logical: T,
  scope: Readonly<Record<string, string>>,
  wanted: readonly ViewDatabase[T][],
  key: readonly string[],
  identity: readonly string[],
  at: number,
): Promise<void> {
  const db = view.db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const table: string = view.tables[logical];
  let select = db.selectFrom(table).selectAll().where('recorded_to', 'is', null);
  for (const [column, value] of Object.entries(scope)) select = select.where(column, '=', value);
  const current = await select.execute();
  const wantedKeys = new Set(wanted.map((row) => rowKey(row, key)));
  const currentKeys = new Set(current.map((row) => rowKey(row, key)));
  for (const row of current) {
    if (wantedKeys.has(rowKey(row, key))) continue;
    let close = db.updateTable(table).set({ recorded_to: at }).where('recorded_to', 'is', null);
    for (const [column, value] of Object.entries(scope)) close = close.where(column, '=', value);
    for (const column of identity) close = close.where(column, '=', row[column]);
    await close.execute();
  }
  const added = wanted.filter((row) => !currentKeys.has(rowKey(row, key)));
  await view.insert(logical, added);
}
