import type { RecordedEvent } from '@annals/application';
import {
  ORGANIZATION_REGISTERED,
  isDomainEvent,
  countriesOf,
  evolveDevelopment,
  isDevelopmentEvent,
  kindOfCreationEvent,
  organizationOf,
  partialDate,
  type AnyContent,
  type DevelopmentKind,
  type DevelopmentState,
} from '@annals/domain';
import { sql } from 'kysely';
import {
  ownStream,
  searchDocument,
  type DevHistoryRow,
  type DevTimelineRow,
  type DevVersionRow,
  type TableNames,
  type ViewDb,
} from '@annals/read-store';
import { Tally, recordedMs, type Projection, type ViewTx } from './projection';

interface Current {
  state: DevelopmentState;
  row: Omit<DevVersionRow, 'search_doc'>;
  /** True when `row` was stored before this batch and is still marked current there. */
  stored: boolean;
}

/** Timeline keys: `o:<organization>` and `c:<country>`. */
export const organizationKey = (code: string) => `o:${code}`;
export const countryKey = (code: string) => `c:${code}`;

export const developmentsProjection: Projection = {
  name: 'developments',
  // 2: timeline rows point to their version row instead of copying it.
  // 3: full-text index (FTS5 / tsvector), row counts for the search planner, the entry derived from the content
  //    instead of stored beside it, creation events in the history not stored twice.
  version: 3,
  tables: ['dev_versions', 'dev_timeline', 'dev_history', 'dev_counts'],
  handles: (event) => isDevelopmentEvent(event.type),

  async apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    const { db: tx, tables: t } = view;
    const current = await loadCurrent(tx, t, events);
    const versions: DevVersionRow[] = [];
    const timeline: DevTimelineRow[] = [];
    const history: DevHistoryRow[] = [];
    const closes: Array<{ row: Current['row']; at: number }> = [];
    const counts = view.deferredCounts ?? new Tally();

    for (const event of events) {
      if (!isDomainEvent(event) || event.type === ORGANIZATION_REGISTERED) continue;
      const developmentId = event.data.developmentId;
      const before = current.get(developmentId);
      if (!before && !kindOfCreationEvent(event.type)) continue; // a correction of something never recorded: nothing to show
      const state = evolveDevelopment(before?.state, event);
      if (!state) continue;
      const at = Math.max(recordedMs(event), before?.row.recorded_from ?? 0);
      if (before) {
        if (before.stored) closes.push({ row: before.row, at });
        else closePending(versions, developmentId, at);
      }
      const row = versionRow(state, event, before, at);
      const rows = timelineRows(state, row);
      versions.push(row);
      timeline.push(...rows);
      history.push(historyRow(event, state, row.content));
      counts.add('v', '');
      counts.add('k:', row.kind);
      for (const { timeline_key } of rows) counts.add('t:', timeline_key);
      for (const token of row.search_doc.split(' ')) if (token) counts.add('w:', token);
      current.set(developmentId, { state, row, stored: false });
    }

    for (const { row, at } of closes) {
      await tx.updateTable(t.dev_versions).set({ recorded_to: at }).where('vid', '=', row.vid).execute();
    }
    await view.insert('dev_versions', versions);
    await view.insert('dev_timeline', timeline);
    await view.insert('dev_history', history);
    // A rebuild's load sums its counts over every batch (one upsert per name in all, not per name and batch),
    // unless they grow past what is worth holding in memory.
    if (!view.deferredCounts || counts.size > MAX_DEFERRED_COUNTS) {
      await addCounts(tx, t, counts);
      counts.clear();
    }
  },

  async finishLoad(view: ViewTx): Promise<void> {
    if (!view.deferredCounts) return;
    await addCounts(view.db, view.tables, view.deferredCounts);
    view.deferredCounts.clear();
  },
};

/** Distinct count names a rebuild holds before writing them (words are most: a big vocabulary flushes now and then). */
const MAX_DEFERRED_COUNTS = 200_000;

/** Adds a batch's counts: one upsert per name and batch, not per row. */
async function addCounts(tx: ViewDb, t: TableNames, counts: Tally): Promise<void> {
  const rows = [...counts.entries()].map(([name, n]) => ({ name, n }));
  for (let i = 0; i < rows.length; i += 5000)
    await tx
      .insertInto(t.dev_counts)
      .values(rows.slice(i, i + 5000))
      .onConflict((oc) => oc.column('name').doUpdateSet({ n: sql<number>`${sql.ref(`${t.dev_counts}.n`)} + excluded.n` }))
      .execute();
}

/**
 * The event as history shows it. A creation's data is the development id and the content of the version it
 * wrote: when that is exactly so (the same JSON), it is left out and read from the version (`vid` = position).
 */
function historyRow(event: RecordedEvent, state: DevelopmentState, contentJson: string): DevHistoryRow {
  const ms = recordedMs(event);
  const data = JSON.stringify(event.data);
  // `JSON.stringify({ developmentId, ...content })`, from the content's JSON the version row holds already.
  const asDerived = `{"developmentId":${JSON.stringify(state.developmentId)}${contentJson === '{}' ? '}' : `,${contentJson.slice(1)}`}`;
  const derivable = kindOfCreationEvent(event.type) && data === asDerived;
  return {
    development_id: state.developmentId,
    position: Number(event.position),
    event_id: event.eventId,
    type: event.type,
    recorded_at: new Date(ms).toISOString() === event.recordedAt ? null : event.recordedAt,
    recorded_ms: ms,
    data: derivable ? null : data,
  };
}

/** The current versions of developments this batch corrects or retracts without creating them. */
async function loadCurrent(tx: ViewDb, t: TableNames, events: readonly RecordedEvent[]): Promise<Map<string, Current>> {
  const created = new Set<string>();
  const wanted = new Set<string>();
  for (const event of events) {
    const id = event.data.developmentId as string;
    if (kindOfCreationEvent(event.type)) created.add(id);
    else if (!created.has(id)) wanted.add(id);
  }
  const current = new Map<string, Current>();
  if (wanted.size === 0) return current;
  const rows = await tx
    .selectFrom(t.dev_versions)
    .select([
      'vid',
      'development_id',
      'version',
      'kind',
      'stream',
      'organization',
      'occurred_start',
      'content',
      'corrected',
      'retracted',
      'recorded_at',
      'recorded_from',
      'recorded_to',
      'position',
    ])
    .where('development_id', 'in', [...wanted])
    .where('recorded_to', 'is', null)
    .execute();
  for (const row of rows) {
    const content = JSON.parse(row.content) as AnyContent;
    const state: DevelopmentState = {
      developmentId: row.development_id,
      kind: row.kind as DevelopmentKind,
      content,
      original: content,
      corrected: Number(row.corrected) === 1,
      retracted: Number(row.retracted) === 1,
    };
    current.set(row.development_id, {
      state,
      row: { ...row, vid: Number(row.vid), recorded_from: Number(row.recorded_from), position: Number(row.position) },
      stored: true,
    });
  }
  return current;
}

function closePending(versions: DevVersionRow[], developmentId: string, at: number): void {
  for (const row of versions) if (row.development_id === developmentId && row.recorded_to === null) row.recorded_to = at;
}

function versionRow(state: DevelopmentState, event: RecordedEvent, before: Current | undefined, at: number): DevVersionRow {
  const content = state.content;
  const organization = organizationOf(state);
  return {
    vid: Number(event.position),
    development_id: state.developmentId,
    version: before ? before.row.version + 1 : 0,
    kind: state.kind,
    stream: event.stream === ownStream(state.developmentId) ? null : event.stream,
    organization: organization ?? null,
    occurred_start: partialDate(content.occurredOn).start,
    content: JSON.stringify(content),
    corrected: state.corrected ? 1 : 0,
    retracted: state.retracted ? 1 : 0,
    recorded_at: before ? before.row.recorded_at : event.recordedAt,
    recorded_from: at,
    recorded_to: null,
    position: before ? before.row.position : Number(event.position),
    search_doc: searchDocument(content).join(' '),
  };
}

/** The timelines a version is on: its organization's and those of the countries it names. */
function timelineRows(state: DevelopmentState, row: DevVersionRow): DevTimelineRow[] {
  const development = state;
  const organization = organizationOf(development);
  const keys = [...(organization ? [organizationKey(organization)] : []), ...countriesOf(development).map(countryKey)];
  return keys.map((timeline_key) => ({
    timeline_key,
    occurred_start: row.occurred_start,
    position: row.position,
    vid: row.vid,
  }));
}
