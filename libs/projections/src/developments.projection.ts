import type { RecordedEvent, TimelineEntry } from '@annals/application';
import {
  asDevelopment,
  countriesOf,
  rolesOf,
  evolveDevelopment,
  isDevelopmentEvent,
  kindOfCreationEvent,
  organizationOf,
  partialDate,
  type DevelopmentState,
} from '@annals/domain';
import type { DevHistoryRow, DevTimelineRow, DevVersionRow, TableNames, ViewDb } from '@annals/read-store';
import { recordedMs, type Projection, type ViewTx } from './projection';

interface Current {
  state: DevelopmentState;
  row: DevVersionRow;
  /** True when `row` was stored before this batch and is still marked current there. */
  stored: boolean;
}

/** Timeline keys: `o:<organization>` and `c:<country>`. */
export const organizationKey = (code: string) => `o:${code}`;
export const countryKey = (code: string) => `c:${code}`;

/**
 * Development details, history, organization/country timelines and search. Every event touching a
 * development closes its current row version and opens a new one, stamped with recorded time, so
 * `asKnownAt` reads old versions without replaying anything.
 */
export const developmentsProjection: Projection = {
  name: 'developments',
  // 2: timeline rows point to their version row instead of copying it.
  // 3: entries carry each country's roles.
  version: 3,
  tables: ['dev_versions', 'dev_timeline', 'dev_history'],
  handles: (event) => isDevelopmentEvent(event.type),

  async apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    const { db: tx, tables: t } = view;
    const current = await loadCurrent(tx, t, events);
    const versions: DevVersionRow[] = [];
    const timeline: DevTimelineRow[] = [];
    const history: DevHistoryRow[] = [];
    const closes: Array<{ row: DevVersionRow; at: number }> = [];

    for (const event of events) {
      const developmentId = event.data.developmentId as string;
      const before = current.get(developmentId);
      if (!before && !kindOfCreationEvent(event.type)) continue; // a correction of something never recorded: nothing to show
      const state = evolveDevelopment(before?.state, event);
      if (!state) continue;
      const at = Math.max(recordedMs(event), before?.row.recorded_from ?? 0);
      if (before) {
        if (before.stored) closes.push({ row: before.row, at });
        else closePending(versions, developmentId, at);
      }
      const { row, entry } = versionRow(state, event, before, at);
      versions.push(row);
      timeline.push(...timelineRows(row, entry));
      history.push({
        development_id: developmentId,
        position: Number(event.position),
        event_id: event.eventId,
        type: event.type,
        recorded_at: event.recordedAt,
        recorded_ms: recordedMs(event),
        data: JSON.stringify(event.data),
      });
      current.set(developmentId, { state, row, stored: false });
    }

    for (const { row, at } of closes) {
      await tx.updateTable(t.dev_versions).set({ recorded_to: at }).where('vid', '=', row.vid).execute();
    }
    await view.insert('dev_versions', versions);
    await view.insert('dev_timeline', timeline);
    await view.insert('dev_history', history);
  },
};

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
    .selectAll()
    .where('development_id', 'in', [...wanted])
    .where('recorded_to', 'is', null)
    .execute();
  for (const row of rows) {
    const entry = JSON.parse(row.entry) as TimelineEntry;
    const content = JSON.parse(row.content) as DevelopmentState['content'];
    const state: DevelopmentState = {
      developmentId: row.development_id,
      kind: entry.kind,
      content,
      original: content,
      corrected: entry.corrected,
      retracted: entry.retracted,
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

function versionRow(
  state: DevelopmentState,
  event: RecordedEvent,
  before: Current | undefined,
  at: number,
): { row: DevVersionRow; entry: TimelineEntry } {
  const development = asDevelopment(state);
  const content = state.content;
  const organization = organizationOf(development);
  const position = before ? before.row.position : Number(event.position);
  const firstRecordedAt = before ? (JSON.parse(before.row.entry) as TimelineEntry).recordedAt : event.recordedAt;
  const location = 'location' in content ? content.location : undefined;
  const entry: TimelineEntry = {
    developmentId: state.developmentId,
    kind: state.kind,
    occurredOn: content.occurredOn,
    ...(content.endsOn !== undefined ? { endsOn: content.endsOn } : {}),
    precision: partialDate(content.occurredOn).precision,
    title: content.title,
    ...(content.summary !== undefined ? { summary: content.summary } : {}),
    countries: countriesOf(development),
    roles: rolesOf(development),
    organizations: organization ? [organization] : [],
    ...(location ? { location } : {}),
    corrected: state.corrected,
    retracted: state.retracted,
    recordedAt: firstRecordedAt,
    position: String(position),
  };
  const row: DevVersionRow = {
    vid: Number(event.position),
    development_id: state.developmentId,
    version: before ? before.row.version + 1 : 0,
    kind: state.kind,
    stream: event.stream,
    organization: organization ?? null,
    occurred_start: partialDate(content.occurredOn).start,
    entry: JSON.stringify(entry),
    content: JSON.stringify(content),
    // NUL cannot live in PostgreSQL text (events recorded before the edge refused it must not wedge the views).
    search_text: `${content.title}\n${content.summary ?? ''}\n${(content.tags ?? []).join(' ')}`.toLowerCase().replaceAll('\u0000', ''),
    retracted: state.retracted ? 1 : 0,
    recorded_from: at,
    recorded_to: null,
    position,
  };
  return { row, entry };
}

function timelineRows(row: DevVersionRow, entry: TimelineEntry): DevTimelineRow[] {
  const keys = [...entry.organizations.map(organizationKey), ...entry.countries.map(countryKey)];
  return keys.map((timeline_key) => ({
    timeline_key,
    occurred_start: row.occurred_start,
    position: row.position,
    vid: row.vid,
  }));
}
