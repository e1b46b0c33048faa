import type { Kysely } from 'kysely';

/** Row shapes of the views. Instants are epoch milliseconds; `recorded_to` null means "still current". */
export interface DevVersionRow {
  /** The position of the event that wrote this version. */
  vid: number;
  development_id: string;
  version: number;
  kind: string;
  stream: string;
  organization: string | null;
  occurred_start: string;
  entry: string;
  content: string;
  search_text: string;
  retracted: number;
  recorded_from: number;
  recorded_to: number | null;
  position: number;
}

export interface DevTimelineRow {
  timeline_key: string;
  occurred_start: string;
  position: number;
  /** The version row (`dev_versions.vid`) this entry shows. */
  vid: number;
}

export interface DevHistoryRow {
  development_id: string;
  position: number;
  event_id: string;
  type: string;
  recorded_at: string;
  recorded_ms: number;
  data: string;
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
