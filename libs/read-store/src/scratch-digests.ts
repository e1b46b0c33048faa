import { UPSERTED_TABLES } from './view-schema';
import { sql } from 'kysely';
import { ZERO, addInto, createDigestTable, createTriggers, rowHash } from './view-digest';
import type { ViewDb } from './view-tables';

/**
 * Digests of the tables of a SQLite generation being built (a rebuild or a verify). Its rows are inserted by our
 * own insert path, which has them in hand: it hashes each row there (the same canonical text the triggers hash,
 * see view-digest.ts) and sums per table in memory, instead of a trigger calling back into JavaScript for every
 * row, or a scan of every row afterwards. Updates and deletes during the load (a correction closing a version)
 * go through the usual triggers, present from the start. At the swap the in-memory sums are added to the digest
 * rows, and only then the insert triggers are created: from there on the generation is live and maintained as
 * any other.
 */
export class InsertSums {
  private readonly sums = new Map<string, { count: number; acc: Buffer }>();

  /** `values`: the row's column values in the table's declared order, as SQLite stores them. */
  add(physical: string, values: readonly unknown[]): void {
    let sum = this.sums.get(physical);
    if (!sum) this.sums.set(physical, (sum = { count: 0, acc: Buffer.from(ZERO) }));
    addInto(sum.acc, rowHash(values), 1);
    sum.count++;
  }

  of(physical: string): { count: number; acc: Buffer } {
    return this.sums.get(physical) ?? { count: 0, acc: Buffer.from(ZERO) };
  }
}

/** A scratch table's digest row (zero) and its update/delete triggers, before any row is written. */
export async function startScratchDigest(db: ViewDb, physical: string): Promise<void> {
  await createDigestTable(db, 'sqlite');
  await sql`DELETE FROM view_digests WHERE physical = ${physical}`.execute(db);
  await sql`INSERT INTO view_digests (physical, row_count, acc) VALUES (${physical}, 0, ${Buffer.from(ZERO)})`.execute(db);
  // A small table kept by upserts (counts) never goes through the insert path: its triggers hash every change.
  await createTriggers(db, 'sqlite', physical, UPSERTED_TABLES.has(physical) ? ['i', 'u', 'd'] : ['u', 'd']);
}

/** At the swap, in its transaction: the inserts' sums join the digest row, and the insert trigger takes over. */
export async function finishScratchDigest(db: ViewDb, physical: string, sums: InsertSums): Promise<void> {
  const { rows } = await sql<{
    acc: Buffer;
    row_count: number;
  }>`SELECT acc, row_count FROM view_digests WHERE physical = ${physical}`.execute(db);
  const acc = Buffer.from(rows[0]?.acc ?? ZERO);
  const added = sums.of(physical);
  addInto(acc, added.acc, 1);
  await sql`UPDATE view_digests SET acc = ${acc}, row_count = ${Number(rows[0]?.row_count ?? 0) + added.count}
    WHERE physical = ${physical}`.execute(db);
  await createTriggers(db, 'sqlite', physical, ['i']);
}
