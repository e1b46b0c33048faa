import { CompiledQuery, type ExpressionBuilder } from 'kysely';
import type { DevelopmentDetails, OrganizationRecord, ReadStore, TimelineEntry, TimelinePage, TimelineQuery } from '@annals/application';
import type {
  AnyContent,
  DevelopmentKind,
  MembershipEndingReason,
  MembershipPeriod,
  MembershipStatus,
  PresidencyPeriod,
} from '@annals/domain';
import type { ReadDialect } from './read-database';
import { queryWords } from './search-words';
import { entryJson, timelineEntry } from './timeline-entry';
import {
  candidates,
  chooseDriver,
  countsSql,
  ftsQuery,
  rarestWord,
  readCounts,
  timelineKeys,
  type Counts,
  type Driver,
  type TimelineFilter,
} from './timeline-plan';
import { numberedPlaceholders, timelineSql, versionsSql, type PageRow, type SearchRow } from './timeline-sql';
import { ownStream, type DevVersionRow, type ViewDatabase, type ViewDb } from './view-tables';

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

/** A page whose entries are built once, as objects and as the JSON a JSON answer passes through. */
class BuiltTimelinePage implements TimelinePage {
  readonly itemsJson: readonly string[];

  constructor(
    readonly items: TimelineEntry[],
    readonly contents: AnyContent[],
    readonly next: TimelinePage['next'],
  ) {
    this.itemsJson = items.map(entryJson);
  }
}

const VERSION_COLUMNS = [
  'vid',
  'development_id',
  'kind',
  'stream',
  'content',
  'corrected',
  'retracted',
  'recorded_at',
  'position',
] as const satisfies ReadonlyArray<keyof DevVersionRow>;

type StoredVersion = Pick<DevVersionRow, 'development_id' | 'kind' | 'corrected' | 'retracted' | 'recorded_at'> & {
  position: number | string;
};

/** A stored version's entry (derived from its content) and its content. */
function entryOf(row: StoredVersion, content: AnyContent): TimelineEntry {
  return timelineEntry(
    {
      developmentId: row.development_id,
      kind: row.kind as DevelopmentKind,
      corrected: Number(row.corrected) === 1,
      retracted: Number(row.retracted) === 1,
      recordedAt: row.recorded_at,
      position: Number(row.position),
    },
    content,
  );
}

const EMPTY_PAGE = new BuiltTimelinePage([], [], null);

/** Timeline order: the start of the occurred date, then the position. */
function sortTimeline<Row extends Pick<PageRow, 'occurred_start' | 'position'>>(rows: Row[], order: 'asc' | 'desc'): Row[] {
  const sign = order === 'asc' ? 1 : -1;
  return rows.sort(
    (a, b) =>
      sign * (a.occurred_start < b.occurred_start ? -1 : a.occurred_start > b.occurred_start ? 1 : Number(a.position) - Number(b.position)),
  );
}

/** What a read asks for; undefined when it cannot match anything (a `q` with no letter or digit holds no word). */
function filterOf(query: TimelineQuery): TimelineFilter | undefined {
  const text = query.scope.type === 'search' ? query.scope.text : undefined;
  const words = text !== undefined && text.trim() !== '' ? queryWords(text) : undefined;
  if (words?.length === 0) return undefined;
  return { keys: timelineKeys(query), ...(query.kinds ? { kinds: query.kinds } : {}), ...(words ? { words } : {}) };
}

/** The ReadStore port over Kysely: the same queries on SQLite and PostgreSQL. */
export class KyselyReadStore implements ReadStore {
  constructor(
    private readonly db: ViewDb,
    private readonly dialect: ReadDialect,
  ) {}

  /**
   * The hot path: SQL written out (no query builder). A read with a choice of drivers (a relation, a kind on a
   * timeline, words) first reads the counts it needs in one small statement, then the page in one more.
   */
  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    const filter = filterOf(query);
    if (!filter) return EMPTY_PAGE;
    const { driver, counts } = await this.choose(query, filter);
    let rows: PageRow[];
    if (driver.type === 'words' && this.dialect === 'sqlite') {
      const fts = counts && ftsQuery(filter.words ?? [], counts);
      if (fts === undefined) return EMPTY_PAGE;
      rows = await this.searchInRowidOrder(query, filter, fts);
    } else {
      const rarest = driver.type === 'words' && counts ? rarestWord(filter.words ?? [], counts) : undefined;
      rows = await this.raw<PageRow>(timelineSql(query, filter, driver, this.dialect, rarest ? { rarest } : {}));
    }
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const contents = page.map((row) => JSON.parse(row.content) as AnyContent);
    const last = page[page.length - 1];
    return new BuiltTimelinePage(
      page.map((row, index) => entryOf(row, contents[index]!)),
      query.withContent ? contents : [],
      more && last ? { start: last.occurred_start, position: Number(last.position) } : null,
    );
  }

  /**
   * SQLite's full-text driver: the first `limit + 1` matches in rowid order (day by day), then the rest of the
   * last one's day, sorted together in timeline order; rows after that day cannot come before any of these.
   */
  private async searchInRowidOrder(query: TimelineQuery, filter: TimelineFilter, fts: string): Promise<PageRow[]> {
    const first = await this.raw<SearchRow>(timelineSql(query, filter, { type: 'words' }, 'sqlite', { fts }));
    const last = first[first.length - 1];
    let matches = first;
    if (last && first.length > query.limit) {
      const range = { after: { day: last.day, vid: last.vid } };
      matches = [...first, ...(await this.raw<SearchRow>(timelineSql(query, filter, { type: 'words' }, 'sqlite', { fts, range })))];
    }
    const page = sortTimeline(matches, query.order).slice(0, query.limit + 1);
    if (page.length === 0) return [];
    const rows = new Map((await this.raw<PageRow & { vid: number }>(versionsSql(page.map((m) => m.vid)))).map((row) => [row.vid, row]));
    return page.map((match) => rows.get(match.vid)!);
  }

  /** How the planner chooses where to read from, for tests and benchmarks. */
  async plan(query: TimelineQuery): Promise<Driver | undefined> {
    const filter = filterOf(query);
    return filter ? (await this.choose(query, filter)).driver : undefined;
  }

  private async choose(query: TimelineQuery, filter: TimelineFilter): Promise<{ driver: Driver; counts?: Counts }> {
    const options = candidates(filter);
    if (options.length === 1 && options[0]!.type !== 'words') return { driver: options[0]! };
    const counts = readCounts(filter, await this.raw<{ name: string; n: unknown; terms: unknown; listed: unknown }>(countsSql(filter)));
    return { driver: chooseDriver(filter, counts, query.limit, this.dialect), counts };
  }

  private async raw<Row>({ text, parameters }: { text: string; parameters: unknown[] }): Promise<Row[]> {
    const sqlText = this.dialect === 'postgres' ? numberedPlaceholders(text) : text;
    return (await this.db.executeQuery<Row>(CompiledQuery.raw(sqlText, parameters))).rows;
  }

  async development(developmentId: string, asKnownAt?: number): Promise<DevelopmentDetails | undefined> {
    const version = await this.db
      .selectFrom('dev_versions')
      .select(VERSION_COLUMNS)
      .where('development_id', '=', developmentId)
      .where(knownAt<ViewDatabase, 'dev_versions'>(asKnownAt))
      .executeTakeFirst();
    if (!version) return undefined;
    let history = this.db.selectFrom('dev_history').selectAll().where('development_id', '=', developmentId);
    if (asKnownAt !== undefined) history = history.where('recorded_ms', '<=', asKnownAt);
    const events = await history.orderBy('position').execute();
    // A creation's data left out of the history is the id and the content of the version that event wrote.
    const derived = events.filter((event) => event.data === null).map((event) => Number(event.position));
    const written = new Map<number, string>();
    if (derived.includes(Number(version.vid))) written.set(Number(version.vid), version.content);
    const missing = derived.filter((vid) => !written.has(vid));
    if (missing.length > 0) {
      const rows = await this.db
        .selectFrom('dev_versions')
        .select(['vid', 'content'])
        .where('development_id', '=', developmentId)
        .where('vid', 'in', missing)
        .execute();
      for (const row of rows) written.set(Number(row.vid), row.content);
    }
    const content = JSON.parse(version.content) as AnyContent;
    return {
      entry: entryOf(version, content),
      stream: version.stream ?? ownStream(developmentId),
      content,
      history: events.map((event) => ({
        eventId: event.event_id,
        type: event.type,
        recordedAt: event.recorded_at ?? new Date(Number(event.recorded_ms)).toISOString(),
        position: String(event.position),
        data:
          event.data !== null
            ? (JSON.parse(event.data) as Record<string, unknown>)
            : { developmentId, ...(JSON.parse(written.get(Number(event.position)) ?? '{}') as Record<string, unknown>) },
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
    return row ? { stream: row.stream ?? ownStream(developmentId), kind: row.kind as DevelopmentKind } : undefined;
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
