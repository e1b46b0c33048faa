import type { RecordedEvent } from '@annals/application';
import type { ReadDatabase, TableNames, ViewDatabase, ViewDb, ViewTable } from '@annals/read-store';

/** What a projection writes through: the open read-store transaction and the physical tables it targets. */
export interface ViewTx {
  readonly db: ViewDb;
  readonly tables: TableNames;
  /** True while a rebuild or a verify loads fresh views (nothing reads them yet). */
  readonly rebuilding: boolean;
  /**
   * Appends rows to one of the tables, inside the transaction (the fastest way each database offers). Rows must be
   * added this way, not by INSERT statements of the projection's own: a rebuild hashes them here for the digests.
   */
  insert<T extends ViewTable>(table: T, rows: readonly ViewDatabase[T][]): Promise<void>;
  /**
   * While a rebuild or a verify loads its first pass (nothing reads the tables yet): counters a projection sums in
   * memory from batch to batch instead of upserting them in each, written once by its `finishLoad`.
   */
  readonly deferredCounts?: Tally;
}

/**
 * Counters by name, kept in groups by the name's prefix (`w:` + a word): counting a word never builds its name,
 * which is what a load counting every word of every version would spend most on.
 */
export class Tally {
  private readonly groups = new Map<string, Map<string, number>>();
  private count = 0;

  add(prefix: string, key: string): void {
    let group = this.groups.get(prefix);
    if (!group) this.groups.set(prefix, (group = new Map<string, number>()));
    const n = group.get(key);
    if (n === undefined) this.count++;
    group.set(key, (n ?? 0) + 1);
  }

  /** Distinct names counted. */
  get size(): number {
    return this.count;
  }

  *entries(): IterableIterator<[name: string, n: number]> {
    for (const [prefix, group] of this.groups) for (const [key, n] of group) yield [prefix + key, n];
  }

  clear(): void {
    this.groups.clear();
    this.count = 0;
  }
}

/** The handle a projection writes a batch through, inside `tx`, to the physical tables `tables`. */
export function viewTx(read: ReadDatabase, tx: ViewDb, tables: TableNames, load?: { readonly deferredCounts?: Tally }): ViewTx {
  return {
    db: tx,
    tables,
    rebuilding: load !== undefined,
    insert: (table, rows) => read.insertRows(tx, tables[table], rows),
    ...(load?.deferredCounts ? { deferredCounts: load.deferredCounts } : {}),
  };
}

/**
 * A projection turns events into view rows. It is applied to a batch of events inside one read-store
 * transaction that also stores its checkpoint, so each event lands exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projection's output changes: a rebuild is then due. */
  readonly version: number;
  readonly tables: readonly ViewTable[];
  handles(event: RecordedEvent): boolean;
  apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void>;
  /** After the first pass of a rebuild or a verify: writes what `apply` put off (`ViewTx.deferredCounts`). */
  finishLoad?(view: ViewTx): Promise<void>;
}

/** Epoch milliseconds of an event's recorded time. */
export const recordedMs = (event: RecordedEvent): number => Date.parse(event.recordedAt);
