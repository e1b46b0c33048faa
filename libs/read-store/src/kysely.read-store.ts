import { CompiledQuery, type ExpressionBuilder } from 'kysely';
import type { DevelopmentDetails, OrganizationRecord, ReadStore, TimelineEntry, TimelinePage, TimelineQuery } from '@annals/application';
import type { DevelopmentKind, MembershipEndingReason, MembershipPeriod, MembershipStatus, PresidencyPeriod } from '@annals/domain';
import type { ReadDialect } from './read-database';
import type { ViewDatabase, ViewDb } from './view-tables';

/** Current rows, or the rows as recorded at `asKnownAt` (SQL:2011-style system time). */
function knownAt<DB, TB extends keyof DB>(asKnownAt: number | undefined, alias?: string) {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  return (eb: ExpressionBuilder<DB, TB>) => {
    const from = eb.ref(col('recorded_from') as never);
    const to = eb.ref(col('recorded_to') as never);
    if (asKnownAt === undefined) return eb(to, 'is', null);
    return eb.and([eb(from, '<=', asKnownAt as never), eb.or([eb(to, 'is', null), eb(to, '>', asKnownAt as never)])]);
  };
}

/** A page as stored: entries stay JSON text until somebody asks for them as objects. */
class StoredTimelinePage implements TimelinePage {
  private parsed?: TimelineEntry[];

  constructor(
    readonly itemsJson: readonly string[],
    readonly contents: Record<string, unknown>[],
    readonly next: TimelinePage['next'],
  ) {}

  get items(): TimelineEntry[] {
    this.parsed ??= this.itemsJson.map((json) => JSON.parse(json) as TimelineEntry);
    return this.parsed;
  }
}

const escapeLike = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/** The ReadStore port over Kysely: the same queries on SQLite and PostgreSQL. */
export class KyselyReadStore implements ReadStore {
  constructor(
    private readonly db: ViewDb,
    private readonly dialect: ReadDialect,
  ) {}

  /** The hot path: SQL written out (no query builder), one statement per page; the entries stay JSON text. */
  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    const { text, parameters } = timelineSql(query);
    const { rows } = await this.db.executeQuery<TimelineRow>(
      CompiledQuery.raw(this.dialect === 'postgres' ? numberedPlaceholders(text) : text, parameters),
    );
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return new StoredTimelinePage(
      page.map((row) => row.entry),
      query.withContent ? page.map((row) => JSON.parse(row.content!) as Record<string, unknown>) : [],
      more && last ? { start: last.occurred_start, position: Number(last.position) } : null,
    );
  }

  async development(developmentId: string, asKnownAt?: number): Promise<DevelopmentDetails | undefined> {
    const version = await this.db
      .selectFrom('dev_versions')
      .selectAll()
      .where('development_id', '=', developmentId)
      .where(knownAt<ViewDatabase, 'dev_versions'>(asKnownAt))
      .executeTakeFirst();
    if (!version) return undefined;
    let history = this.db.selectFrom('dev_history').selectAll().where('development_id', '=', developmentId);
    if (asKnownAt !== undefined) history = history.where('recorded_ms', '<=', asKnownAt);
    const events = await history.orderBy('position').execute();
    return {
      entry: JSON.parse(version.entry) as TimelineEntry,
      stream: version.stream,
      content: JSON.parse(version.content) as Record<string, unknown>,
      history: events.map((event) => ({
        eventId: event.event_id,
        type: event.type,
        recordedAt: event.recorded_at,
        position: String(event.position),
        data: JSON.parse(event.data) as Record<string, unknown>,
      })),
    };
  }

  async locate(developmentId: string): Promise<{ stream: string; kind: DevelopmentKind } | undefined> {
    const row = await this.db
      .selectFrom('dev_versions')
      .select(['stream', 'kind'])
      .where('development_id', '=', developmentId)
      .where('recorded_to', 'is', null)
      .executeTakeFirst();
    return row ? { stream: row.stream, kind: row.kind as DevelopmentKind } : undefined;
  }

  async organizations(asKnownAt?: number): Promise<OrganizationRecord[]> {
    let q = this.db.selectFrom('organizations').selectAll().orderBy('code');
    if (asKnownAt !== undefined) q = q.where('recorded_from', '<=', asKnownAt);
    const rows = await q.execute();
    return rows.map((row) => ({ code: row.code, name: row.name, wikidataId: row.wikidata_id }));
  }

  async organization(code: string, asKnownAt?: number): Promise<OrganizationRecord | undefined> {
    let q = this.db.selectFrom('organizations').selectAll().where('code', '=', code);
    if (asKnownAt !== undefined) q = q.where('recorded_from', '<=', asKnownAt);
    const row = await q.executeTakeFirst();
    return row ? { code: row.code, name: row.name, wikidataId: row.wikidata_id } : undefined;
  }

  async membershipPeriods(filter: { organization?: string; country?: string }, asKnownAt?: number) {
    let q = this.db.selectFrom('membership_periods').selectAll().where(knownAt<ViewDatabase, 'membership_periods'>(asKnownAt));
    if (filter.organization) q = q.where('organization', '=', filter.organization);
    if (filter.country) q = q.where('country', '=', filter.country);
    const rows = await q.orderBy('country').orderBy('start_day').execute();
    return rows.map((row): MembershipPeriod & { organization: string } => ({
      organization: row.organization,
      country: row.country,
      status: row.status as MembershipStatus,
      since: row.since,
      start: row.start_day,
      ...(row.until !== null ? { until: row.until } : {}),
      ...(row.end_day !== null ? { end: row.end_day } : {}),
      approvalId: row.approval_id,
      ...(row.ending_id !== null ? { endingId: row.ending_id } : {}),
      ...(row.end_reason !== null ? { endReason: row.end_reason as MembershipEndingReason | 'status-change' } : {}),
    }));
  }

  async presidencyPeriods(organization: string | undefined, asKnownAt?: number) {
    let q = this.db.selectFrom('presidency_periods').selectAll().where(knownAt<ViewDatabase, 'presidency_periods'>(asKnownAt));
    if (organization) q = q.where('organization', '=', organization);
    const rows = await q.orderBy('organization').orderBy('start_day').execute();
    return rows.map((row): PresidencyPeriod & { organization: string } => ({
      organization: row.organization,
      country: row.country,
      from: row.from_on,
      start: row.start_day,
      to: row.to_on,
      end: row.end_day,
      handoverId: row.handover_id,
    }));
  }
}

function timelineKeys(query: TimelineQuery): string[] {
  const { scope } = query;
  switch (scope.type) {
    case 'organization':
      return [`o:${scope.code}`];
    case 'country':
      return [`c:${scope.code}`];
    case 'relation':
      return [`c:${scope.a}`, `c:${scope.b}`];
    case 'search':
      return [...(scope.organization ? [`o:${scope.organization}`] : []), ...(scope.country ? [`c:${scope.country}`] : [])];
  }
}

interface TimelineRow {
  entry: string;
  content?: string;
  occurred_start: string;
  position: number | string;
}

/**
 * One timeline page as SQL with `?` placeholders. With timeline keys, the first key drives a range scan of the
 * timeline index (`o`rder columns from `t0`), further keys (a pair of countries) must list the same version, and
 * each row's version (`v`, by vid: its rowid on SQLite) gives the entry and the filters. Without keys (a search
 * by words only) the versions themselves are scanned. Keyset cursor, never OFFSET; one row more than the limit
 * says whether there is a next page.
 */
function timelineSql(query: TimelineQuery): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const p = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const keys = timelineKeys(query);
  const o = keys.length > 0 ? 't0' : 'v';
  const where: string[] = [];
  keys.forEach((key, index) => {
    if (index === 0) return where.push(`t0.timeline_key = ${p(key)}`);
    const t = `t${index}`;
    where.push(
      `EXISTS (SELECT 1 FROM dev_timeline ${t} WHERE ${t}.timeline_key = ${p(key)} AND ${t}.occurred_start = t0.occurred_start ` +
        `AND ${t}.position = t0.position AND ${t}.vid = t0.vid)`,
    );
  });
  // Current rows, or the rows as recorded at `asKnownAt` (SQL:2011-style system time).
  if (query.asKnownAt === undefined) where.push('v.recorded_to IS NULL');
  else where.push(`v.recorded_from <= ${p(query.asKnownAt)} AND (v.recorded_to IS NULL OR v.recorded_to > ${p(query.asKnownAt)})`);
  if (!query.includeRetracted) where.push('v.retracted = 0');
  if (query.fromDay) where.push(`${o}.occurred_start >= ${p(query.fromDay)}`);
  if (query.toDay) where.push(`${o}.occurred_start <= ${p(query.toDay)}`);
  if (query.kinds?.length) where.push(`v.kind IN (${query.kinds.map(p).join(', ')})`);
  if (query.scope.type === 'search' && query.scope.text) {
    // Every word must appear, anywhere in the title, summary or tags.
    for (const word of query.scope.text.split(/\s+/).filter(Boolean).slice(0, 10)) {
      where.push(`v.search_text LIKE ${p(`%${escapeLike(word)}%`)} ESCAPE '\\'`);
    }
  }
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.cursor) {
    const { start, position } = query.cursor;
    const op = query.order === 'asc' ? '>' : '<';
    where.push(`(${o}.occurred_start ${op} ${p(start)} OR (${o}.occurred_start = ${p(start)} AND ${o}.position ${op} ${p(position)}))`);
  }
  const from = keys.length > 0 ? 'dev_timeline t0 JOIN dev_versions v ON v.vid = t0.vid' : 'dev_versions v';
  const text =
    `SELECT v.entry${query.withContent ? ', v.content' : ''}, ${o}.occurred_start, ${o}.position FROM ${from} ` +
    `WHERE ${where.join(' AND ')} ORDER BY ${o}.occurred_start ${direction}, ${o}.position ${direction} LIMIT ${p(query.limit + 1)}`;
  return { text, parameters };
}

/** PostgreSQL numbers its placeholders ($1, $2, …); the SQL above has no other question marks. */
const numberedPlaceholders = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};
