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
import { EntryCache } from './entry-cache';
import { queryWords } from './search-words';
import { entryJson, timelineEntry } from './timeline-entry';
import {
  candidates,
  chooseDriver,
  countsSql,
  ftsQuery,
  rarestWord,
  splitWords,
  readCounts,
  timelineKeys,
  type Counts,
  type Driver,
  type TimelineFilter,
} from './timeline-plan';
import { numberedPlaceholders, timelineSql, versionsSql, type PageKey, type PageRow, type SearchRow } from './timeline-sql';
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

/**
 * A page as the JSON of its entries (what a JSON answer passes through), the entries as objects made from it only
 * if asked for (exports, tests): most entries of a page come from the entry cache as text.
 */
class BuiltTimelinePage implements TimelinePage {
  private entries?: TimelineEntry[];

  constructor(
    readonly itemsJson: readonly string[],
    readonly contents: AnyContent[],
    readonly next: TimelinePage['next'],
    built?: TimelineEntry[],
  ) {
    this.entries = built;
  }

  get items(): TimelineEntry[] {
    return (this.entries ??= this.itemsJson.map((json) => JSON.parse(json) as TimelineEntry));
  }
}

/** Characters of entry JSON kept between requests (~16 MB of text: tens of thousands of entries). */
const ENTRY_CACHE_CHARS = 16 * 1024 * 1024;

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

const EMPTY_PAGE = new BuiltTimelinePage([], [], null, []);

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
  private readonly entries = new EntryCache(ENTRY_CACHE_CHARS);

  constructor(
    private readonly db: ViewDb,
    private readonly dialect: ReadDialect,
  ) {}

  /** The views now are of another log (or may be): entries cached by vid are forgotten. */
  viewsReplaced(): void {
    this.entries.clear();
  }

  /**
   * The hot path: SQL written out (no query builder). A read with a choice of drivers (a relation, a kind on a
   * timeline, words) first reads the counts it needs in one small statement, then the page in one more.
   */
  async timeline(query: TimelineQuery): Promise<TimelinePage> {
    const filter = filterOf(query);
    if (!filter) return EMPTY_PAGE;
    const { driver, counts } = await this.choose(query, filter);
    // SQLite reads the page's keys first, then only the versions whose entries are not cached (a lookup by rowid
    // each, on the same connection); PostgreSQL (a round trip per query) reads the rows whole in one.
    const keysOnly = this.dialect === 'sqlite' && !query.withContent;
    let rows: PageKey[];
    if (driver.type === 'words' && this.dialect === 'sqlite') {
      const split = counts && splitWords(filter.words ?? [], counts);
      const fts = split && ftsQuery(split.indexed, counts);
      if (!split || fts === undefined) return EMPTY_PAGE;
      rows = await this.searchInRowidOrder(query, filter, fts, split.checked.length > 0);
    } else {
      const rarest = driver.type === 'words' && counts ? rarestWord(filter.words ?? [], counts) : undefined;
      rows = await this.raw<PageKey>(timelineSql(query, filter, driver, this.dialect, { ...(rarest ? { rarest } : {}), keysOnly }));
    }
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    const last = page[page.length - 1];
    const next = more && last ? { start: last.occurred_start, position: Number(last.position) } : null;
    if (query.withContent) {
      const full = page as PageRow[];
      const contents = full.map((row) => JSON.parse(row.content) as AnyContent);
      const items = full.map((row, index) => entryOf(row, contents[index]!));
      return new BuiltTimelinePage(items.map(entryJson), contents, next, items);
    }
    return new BuiltTimelinePage(await this.entriesJson(page, keysOnly), [], next);
  }

  /**
   * The entries of the page's versions as JSON: from the cache, or built from the versions' rows (then cached).
   * `keysOnly`: the page holds keys, the rows of versions not cached are read here; otherwise it holds whole rows.
   */
  private async entriesJson(page: readonly PageKey[], keysOnly: boolean): Promise<string[]> {
    const json = page.map((key) => this.entries.get(Number(key.vid), key.development_id));
    let rows: ReadonlyMap<number, PageRow> | undefined;
    const missing = page.filter((_key, index) => json[index] === undefined);
    if (missing.length > 0 && keysOnly) {
      const read = await this.raw<PageRow>(versionsSql(missing.map((key) => Number(key.vid))));
      rows = new Map(read.map((row) => [Number(row.vid), row]));
    }
    return page.map((key, index) => {
      const cached = json[index];
      if (cached !== undefined) return cached;
      // Not keys only: the key is the whole row.
      const row = rows?.get(Number(key.vid)) ?? (key as PageRow);
      const text = entryJson(entryOf(row, JSON.parse(row.content) as AnyContent));
      this.entries.offer(Number(key.vid), key.development_id, text);
      return text;
    });
  }

  /**
   * SQLite's full-text driver: the first `limit + 1` matches in rowid order (day by day), then the rest of the
   * last one's day, sorted together in timeline order; rows after that day cannot come before any of these.
   */
  private async searchInRowidOrder(query: TimelineQuery, filter: TimelineFilter, fts: string, checkWords: boolean): Promise<PageKey[]> {
    const first = await this.raw<SearchRow>(timelineSql(query, filter, { type: 'words' }, 'sqlite', { fts, checkWords }));
    const last = first[first.length - 1];
    let matches = first;
    if (last && first.length > query.limit) {
      const range = { after: { day: last.day, vid: last.vid } };
      matches = [
        ...first,
        ...(await this.raw<SearchRow>(timelineSql(query, filter, { type: 'words' }, 'sqlite', { fts, range, checkWords }))),
      ];
    }
    const page = sortTimeline(matches, query.order).slice(0, query.limit + 1);
    if (page.length === 0 || !query.withContent) return page;
    const rows = new Map((await this.raw<PageRow>(versionsSql(page.map((m) => m.vid)))).map((row) => [Number(row.vid), row]));
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
