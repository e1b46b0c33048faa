import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DevelopmentDetails, OrganizationRecord, ReadStore, TimelineEntry, TimelinePage, TimelineQuery } from '@annals/application';
import type { DevelopmentKind, MembershipEndingReason, MembershipPeriod, MembershipStatus, PresidencyPeriod } from '@annals/domain';
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
  constructor(private readonly db: ViewDb) {}

  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    const keys = timelineKeys(query);
    const rows = keys.length > 0 ? await this.byTimelineKeys(keys, query) : await this.byVersions(query);
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    return new StoredTimelinePage(
      page.map((row) => row.entry),
      query.withContent ? page.map((row) => (row.content === undefined ? {} : (JSON.parse(row.content) as Record<string, unknown>))) : [],
      more && last ? { start: last.occurred_start, position: Number(last.position) } : null,
    );
  }

  /** The first key drives the range scan on the clustered timeline; further keys (relations) must hold the same row version. */
  private async byTimelineKeys(keys: string[], query: TimelineQuery) {
    // The timeline index gives the order; each row's version row (by vid, its rowid on SQLite) gives the entry and the filters.
    let q = this.db
      .selectFrom('dev_timeline as t0')
      .innerJoin('dev_versions as v', 'v.vid', 't0.vid')
      .select(['v.entry', 't0.occurred_start', 't0.position', 'v.development_id', 'v.version'])
      .where('t0.timeline_key', '=', keys[0]!)
      .where(knownAt<ViewDatabase & { v: ViewDatabase['dev_versions'] }, 'v'>(query.asKnownAt, 'v'));
    keys.slice(1).forEach((key, index) => {
      const alias = `t${index + 1}`;
      q = q.where(
        sql<boolean>`EXISTS (SELECT 1 FROM dev_timeline ${sql.raw(alias)} WHERE ${sql.ref(`${alias}.timeline_key`)} = ${key}
          AND ${sql.ref(`${alias}.occurred_start`)} = t0.occurred_start AND ${sql.ref(`${alias}.position`)} = t0.position
          AND ${sql.ref(`${alias}.vid`)} = t0.vid)` as never,
      );
    });
    const rows = await filtered(q, query, 't0', 'v').execute();
    return query.withContent ? this.withContents(rows) : (rows as Array<(typeof rows)[number] & { content?: string }>);
  }

  /** Exports need each item's full content: one lookup per page, by primary key. */
  private async withContents<R extends { development_id: string; version: number }>(
    rows: R[],
  ): Promise<Array<R & { content: string | undefined }>> {
    if (rows.length === 0) return [];
    const contents = await this.db
      .selectFrom('dev_versions')
      .select(['development_id', 'version', 'content'])
      .where('development_id', 'in', [...new Set(rows.map((r) => r.development_id))])
      .execute();
    const byKey = new Map(contents.map((c) => [`${c.development_id}/${c.version}`, c.content]));
    return rows.map((row) => ({ ...row, content: byKey.get(`${row.development_id}/${row.version}`) }));
  }

  private async byVersions(query: TimelineQuery) {
    const q = this.db
      .selectFrom('dev_versions as t0')
      .select(['t0.entry', 't0.content', 't0.occurred_start', 't0.position', 't0.development_id', 't0.version'])
      .where(knownAt<ViewDatabase & { t0: ViewDatabase['dev_versions'] }, 't0'>(query.asKnownAt, 't0'));
    return filtered(q, query, 't0', 't0').execute();
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

/**
 * Filters, keyset cursor, order and limit shared by every timeline query: `alias` carries occurred_start and
 * position (the order), `version` the version row's columns (kind, retracted, search text).
 */
function filtered<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, query: TimelineQuery, alias: string, version: string) {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const searchColumn = `${version}.search_text`;
  let out = q;
  if (!query.includeRetracted) out = out.where(sql.ref(`${version}.retracted`) as never, '=', 0 as never);
  if (query.fromDay) out = out.where(col('occurred_start') as never, '>=', query.fromDay as never);
  if (query.toDay) out = out.where(col('occurred_start') as never, '<=', query.toDay as never);
  if (query.kinds?.length) out = out.where(sql.ref(`${version}.kind`) as never, 'in', query.kinds as never);
  if (query.scope.type === 'search' && query.scope.text) {
    // Every word must appear, anywhere in the title, summary or tags.
    for (const word of query.scope.text.split(/\s+/).filter(Boolean).slice(0, 10)) {
      out = out.where(sql<boolean>`${sql.ref(searchColumn)} LIKE ${`%${escapeLike(word)}%`} ESCAPE '\\'` as never);
    }
  }
  if (query.cursor) {
    const { start, position } = query.cursor;
    const op = query.order === 'asc' ? sql`>` : sql`<`;
    out = out.where(
      sql<boolean>`(${col('occurred_start')} ${op} ${start} OR (${col('occurred_start')} = ${start} AND ${col('position')} ${op} ${position}))` as never,
    );
  }
  const direction = query.order === 'asc' ? 'asc' : 'desc';
  return out
    .orderBy(col('occurred_start') as never, direction)
    .orderBy(col('position') as never, direction)
    .limit(query.limit + 1);
}
