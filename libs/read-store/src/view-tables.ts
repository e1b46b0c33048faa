import type { Kysely } from 'kysely';

/** Row shapes of the views. Instants are epoch milliseconds; `recorded_to` null means "still current". */
export interface DevVersionRow {
  /** The position of the event that wrote this version. */
  vid: number;
  development_id: string;
  version: number;
  kind: string;
  /** Null for the development's own stream (`ownStream`). */
  stream: string | null;
  organization: string | null;
  occurred_start: string;
  /** The content as JSON: the one stored copy of it (the timeline entry is derived, see timeline-entry.ts). */
  content: string;
  corrected: number;
  retracted: number;
  /** When the development was first recorded (the entry's `recordedAt`). */
  recorded_at: string;
  recorded_from: number;
  recorded_to: number | null;
  position: number;
  /**
   * The search tokens (search-words.ts), space-separated. On PostgreSQL a tsvector column with a GIN index; on
   * SQLite not a column: the insert path writes it into the table's FTS5 index (`<table>_fts`, rowid = vid).
   * Write-only: read the columns you need by name.
   */
  search_doc: string;
}

export interface DevTimelineRow {
  timeline_key: string;
  occurred_start: string;
  position: number;
  /** The version row (`dev_versions.vid`) this entry shows. */
  vid: number;
}

/**
 * Row counts the search planner estimates with, kept as rows are written: `v` (versions), `k:<kind>`
 * (versions of a kind), `t:<timeline key>` (timeline rows), `w:<token>` (versions whose document has the token).
 */
export interface DevCountRow {
  name: string;
  n: number;
}

export interface DevHistoryRow {
  development_id: string;
  position: number;
  event_id: string;
  type: string;
  /** Null when it is `recorded_ms` as an ISO string, which it nearly always is. */
  recorded_at: string | null;
  recorded_ms: number;
  /** Null for a creation whose data is the development id and the content of the version it wrote (vid = position). */
  data: string | null;
}

export interface FactRow {
  development_id: string;
  organization: string;
  country: string | null;
  kind: string;
  content: string;
  sequence: number;
  retracted: number;
}

export interface MembershipPeriodRow {
  organization: string;
  country: string;
  status: string;
  since: string;
  start_day: string;
  until: string | null;
  end_day: string | null;
  approval_id: string;
  ending_id: string | null;
  end_reason: string | null;
  recorded_from: number;
  recorded_to: number | null;
}

export interface PresidencyPeriodRow {
  organization: string;
  country: string;
  from_on: string;
  start_day: string;
  to_on: string | null;
  end_day: string | null;
  handover_id: string;
  recorded_from: number;
  recorded_to: number | null;
}

export interface OrganizationRow {
  code: string;
  name: string;
  wikidata_id: string | null;
  recorded_from: number;
  position: number;
}

export interface CheckpointRow {
  name: string;
  position: number;
  version: number;
}

export interface ViewDatabase {
  dev_versions: DevVersionRow;
  dev_timeline: DevTimelineRow;
  dev_history: DevHistoryRow;
  dev_counts: DevCountRow;
  membership_facts: FactRow;
  membership_periods: MembershipPeriodRow;
  presidency_facts: FactRow;
  presidency_periods: PresidencyPeriodRow;
  organizations: OrganizationRow;
  projection_checkpoints: CheckpointRow;
}

export type ViewTable = Exclude<keyof ViewDatabase, 'projection_checkpoints'>;

/**
 * Physical names of a projection's tables. Live views use the base names; a rebuild writes `<base>__next`
 * and swaps them in. The type stays the base name so queries keep their column types.
 */
export type TableNames = { readonly [T in ViewTable]: T };

export const LIVE_TABLES: TableNames = {
  dev_versions: 'dev_versions',
  dev_timeline: 'dev_timeline',
  dev_history: 'dev_history',
  dev_counts: 'dev_counts',
  membership_facts: 'membership_facts',
  membership_periods: 'membership_periods',
  presidency_facts: 'presidency_facts',
  presidency_periods: 'presidency_periods',
  organizations: 'organizations',
};

export const REBUILD_SUFFIX = '__next';

export const rebuildTables = (): TableNames =>
  Object.fromEntries(Object.keys(LIVE_TABLES).map((name) => [name, `${name}${REBUILD_SUFFIX}`])) as unknown as TableNames;

export type ViewDb = Kysely<ViewDatabase>;

/** The stream a version row leaves null (`dev_versions.stream`): the development's own. */
export const ownStream = (developmentId: string) => `development-${developmentId}`;
