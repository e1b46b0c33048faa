import { sql } from 'kysely';
import type { ViewDb, ViewTable } from './view-tables';

/** Columns and indexes of each view table, in SQL both SQLite and PostgreSQL accept. */
const COLUMNS: Record<ViewTable, string> = {
  dev_versions: `development_id TEXT NOT NULL, version INTEGER NOT NULL, kind TEXT NOT NULL, stream TEXT NOT NULL,
    organization TEXT, occurred_start TEXT NOT NULL, entry TEXT NOT NULL, content TEXT NOT NULL, search_text TEXT NOT NULL,
    retracted INTEGER NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT, position BIGINT NOT NULL,
    PRIMARY KEY (development_id, version)`,
  dev_timeline: `timeline_key TEXT NOT NULL, development_id TEXT NOT NULL, version INTEGER NOT NULL, occurred_start TEXT NOT NULL,
    position BIGINT NOT NULL, kind TEXT NOT NULL, retracted INTEGER NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT,
    PRIMARY KEY (timeline_key, development_id, version)`,
  dev_history: `development_id TEXT NOT NULL, position BIGINT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    recorded_at TEXT NOT NULL, recorded_ms BIGINT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (development_id, position)`,
  membership_facts: `development_id TEXT PRIMARY KEY, organization TEXT NOT NULL, country TEXT, kind TEXT NOT NULL,
    content TEXT NOT NULL, sequence BIGINT NOT NULL, retracted INTEGER NOT NULL`,
  membership_periods: `organization TEXT NOT NULL, country TEXT NOT NULL, status TEXT NOT NULL, since TEXT NOT NULL,
    start_day TEXT NOT NULL, until TEXT, end_day TEXT, approval_id TEXT NOT NULL, ending_id TEXT, end_reason TEXT,
    recorded_from BIGINT NOT NULL, recorded_to BIGINT`,
  presidency_facts: `development_id TEXT PRIMARY KEY, organization TEXT NOT NULL, country TEXT, kind TEXT NOT NULL,
    content TEXT NOT NULL, sequence BIGINT NOT NULL, retracted INTEGER NOT NULL`,
  presidency_periods: `organization TEXT NOT NULL, country TEXT NOT NULL, from_on TEXT NOT NULL, start_day TEXT NOT NULL,
    to_on TEXT, end_day TEXT, handover_id TEXT NOT NULL, recorded_from BIGINT NOT NULL, recorded_to BIGINT`,
  organizations: `code TEXT PRIMARY KEY, name TEXT NOT NULL, wikidata_id TEXT, recorded_from BIGINT NOT NULL, position BIGINT NOT NULL`,
};

/** Index columns (and an optional partial-index condition) per table. */
const INDEXES: Record<ViewTable, Array<{ columns: string; where?: string }>> = {
  dev_versions: [
    { columns: 'occurred_start, position', where: 'recorded_to IS NULL' },
    { columns: 'development_id', where: 'recorded_to IS NULL' },
  ],
  dev_timeline: [
    { columns: 'timeline_key, occurred_start, position', where: 'recorded_to IS NULL' },
    { columns: 'timeline_key, occurred_start, position, recorded_from' },
    { columns: 'development_id', where: 'recorded_to IS NULL' },
  ],
  dev_history: [],
  membership_facts: [{ columns: 'organization, country' }],
  membership_periods: [{ columns: 'organization, country, start_day' }, { columns: 'country, organization' }],
  presidency_facts: [{ columns: 'organization' }],
  presidency_periods: [{ columns: 'organization, start_day' }],
  organizations: [],
};

/** The order rows are hashed in for a digest: a total order independent of insertion. */
export const DIGEST_ORDER: Record<ViewTable, string> = {
  dev_versions: 'development_id, version',
  dev_timeline: 'timeline_key, development_id, version',
  dev_history: 'development_id, position',
  membership_facts: 'development_id',
  membership_periods: 'organization, country, recorded_from, start_day, approval_id, status, recorded_to',
  presidency_facts: 'development_id',
  presidency_periods: 'organization, recorded_from, start_day, handover_id, recorded_to',
  organizations: 'code',
};

export async function createViewTable(db: ViewDb, table: ViewTable, physical: string, indexTag: string): Promise<void> {
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${physical} (${COLUMNS[table]})`).execute(db);
  let n = 0;
  for (const index of INDEXES[table]) {
    const where = index.where ? ` WHERE ${index.where}` : '';
    await sql.raw(`CREATE INDEX IF NOT EXISTS ix_${table}_${indexTag}_${n++} ON ${physical} (${index.columns})${where}`).execute(db);
  }
}

export async function createCheckpointTable(db: ViewDb): Promise<void> {
  await sql
    .raw('CREATE TABLE IF NOT EXISTS projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL)')
    .execute(db);
}

export async function dropTable(db: ViewDb, physical: string): Promise<void> {
  await sql.raw(`DROP TABLE IF EXISTS ${physical}`).execute(db);
}

export async function renameTable(db: ViewDb, from: string, to: string): Promise<void> {
  await sql.raw(`ALTER TABLE ${from} RENAME TO ${to}`).execute(db);
}
