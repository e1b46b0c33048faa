import { createHash, hash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { sql } from 'kysely';
import type { ReadDialect } from './read-database';
import type { ViewDb, ViewTable } from './view-tables';

/**
 * Content digests maintained as the views change, so reading one is a lookup.
 *
 * A table's digest is order-independent: the row count and the sum of a 128-bit hash (md5) of each row's
 * canonical text. Triggers on every view table add a row's hash on insert, subtract it on delete, and do both
 * on update, in the same transaction as the change itself — whatever code path writes the row. Equal content
 * gives equal sums, however the rows got there (live batches or a rebuild), so a rebuild and the live views
 * agree, and `verify` can compare them.
 *
 * - SQLite: the sum is kept mod 2^128 as a 16-byte blob by a JS function registered on the writing connection
 *   (`registerDigestFunctions`); a connection without it cannot write a view table at all (no silent skip).
 *   The canonical text of a row is the JSON array of its column values in declared order.
 * - PostgreSQL: statement-level triggers with transition tables, one UPDATE of the digest row per statement;
 *   the sums of the two 64-bit halves of `md5(row_to_json(row)::text)` are unbounded numerics.
 *
 * Digest rows are keyed by physical table name: a rebuilt table carries its own accumulated digest, and the
 * blue/green swap moves that row (and re-creates the triggers, whose argument names the table) with it.
 */

const TABLE = 'view_digests';

/** Registers the functions the SQLite triggers call. Every connection that may write views needs them. */
export function registerDigestFunctions(sqlite: Database.Database): void {
  sqlite.function('annals_digest_add', { varargs: true, deterministic: true }, (acc: unknown, sign: unknown, ...columns: unknown[]) => {
    // The blob arrives as a Buffer of its own: summed into in place.
    const sum = Buffer.isBuffer(acc) && acc.length === 16 ? acc : Buffer.from(ZERO);
    addInto(sum, rowHash(columns), sign === -1 || sign === -1n ? -1 : 1);
    return sum;
  });
  sqlite.aggregate('annals_digest_sum', {
    varargs: true,
    start: () => Buffer.from(ZERO),
    step: (sum: Buffer, ...columns: unknown[]) => {
      addInto(sum, rowHash(columns), 1);
      return sum;
    },
  });
}

export const ZERO = new Uint8Array(16);

/**
 * md5 of the row's canonical text, one-shot (no Hash object per row). A replacer would cost JSON.stringify half its
 * speed on every row, so bigints (from connections reading safe integers) are converted only when a row has one.
 */
export const rowHash = (columns: readonly unknown[]): Buffer => {
  const plain = columns.some((value) => typeof value === 'bigint')
    ? columns.map((value) => (typeof value === 'bigint' ? Number(value) : value))
    : columns;
  return hash('md5', JSON.stringify(plain), 'buffer');
};

/** `sum += sign * hash` mod 2^128, big-endian, in 32-bit limbs. */
export function addInto(sum: Buffer, hash: Buffer, sign: 1 | -1): void {
  let carry = 0;
  for (let offset = 12; offset >= 0; offset -= 4) {
    const value = sum.readUInt32BE(offset) + sign * hash.readUInt32BE(offset) + carry;
    carry = Math.floor(value / 0x1_0000_0000);
    sum.writeUInt32BE(value - carry * 0x1_0000_0000, offset);
  }
}

const PG_SUMS = `count(*), coalesce(sum(('x' || substr(m, 1, 16))::bit(64)::bigint), 0), coalesce(sum(('x' || substr(m, 17, 16))::bit(64)::bigint), 0)`;
const PG_FUNCTION = `
CREATE OR REPLACE FUNCTION annals_digest_rows() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  v_n bigint := 0; v_hi numeric := 0; v_lo numeric := 0;
  d_n bigint; d_hi numeric; d_lo numeric;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    SELECT ${PG_SUMS} INTO d_n, d_hi, d_lo FROM (SELECT md5(row_to_json(r)::text) AS m FROM new_rows r) h;
    v_n := v_n + d_n; v_hi := v_hi + d_hi; v_lo := v_lo + d_lo;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    SELECT ${PG_SUMS} INTO d_n, d_hi, d_lo FROM (SELECT md5(row_to_json(r)::text) AS m FROM old_rows r) h;
    v_n := v_n - d_n; v_hi := v_hi - d_hi; v_lo := v_lo - d_lo;
  END IF;
  IF v_n <> 0 OR v_hi <> 0 OR v_lo <> 0 THEN
    UPDATE ${TABLE} SET row_count = row_count + v_n, hi = hi + v_hi, lo = lo + v_lo WHERE physical = TG_ARGV[0];
  END IF;
  RETURN NULL;
END
$fn$`;

export async function createDigestTable(db: ViewDb, dialect: ReadDialect): Promise<void> {
  const sums = dialect === 'sqlite' ? 'acc BLOB NOT NULL' : 'hi NUMERIC NOT NULL, lo NUMERIC NOT NULL';
  await sql.raw(`CREATE TABLE IF NOT EXISTS ${TABLE} (physical TEXT PRIMARY KEY, row_count BIGINT NOT NULL, ${sums})`).execute(db);
  if (dialect === 'postgres') {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_proc WHERE proname = 'annals_digest_rows' AND pronamespace = current_schema()::regnamespace`.execute(
      db,
    );
    // CREATE OR REPLACE by several replicas at once can fail on the catalog row: only when missing — from this
    // schema (another schema's function, e.g. another Annals database on the same server, is not found by ours).
    if ((rows[0]?.n ?? 0) === 0) await sql.raw(PG_FUNCTION).execute(db);
  }
}

async function columnsOf(db: ViewDb, dialect: ReadDialect, physical: string): Promise<string[]> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${physical}) ORDER BY cid`.execute(db);
    return rows.map((row) => row.name);
  }
  const { rows } = await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${physical} ORDER BY ordinal_position`.execute(db);
  return rows.map((row) => row.name);
}

const triggerName = (physical: string, op: string) => `dg_${physical}_${op}`;

export async function createTriggers(
  db: ViewDb,
  dialect: ReadDialect,
  physical: string,
  which: ReadonlyArray<'i' | 'u' | 'd'> = ['i', 'u', 'd'],
): Promise<void> {
  if (dialect === 'postgres') {
    const on = (op: string, referencing: string) =>
      sql
        .raw(
          `CREATE TRIGGER ${triggerName('t', op)} AFTER ${op} ON ${physical} REFERENCING ${referencing} ` +
            `FOR EACH STATEMENT EXECUTE FUNCTION annals_digest_rows('${physical}')`,
        )
        .execute(db);
    await on('INSERT', 'NEW TABLE AS new_rows');
    await on('UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows');
    await on('DELETE', 'OLD TABLE AS old_rows');
    return;
  }
  const columns = await columnsOf(db, dialect, physical);
  const of = (row: 'NEW' | 'OLD') => columns.map((column) => `${row}.${column}`).join(', ');
  const where = `WHERE physical = '${physical}'`;
  const body = {
    i: `UPDATE ${TABLE} SET acc = annals_digest_add(acc, 1, ${of('NEW')}), row_count = row_count + 1 ${where};`,
    u: `UPDATE ${TABLE} SET acc = annals_digest_add(annals_digest_add(acc, -1, ${of('OLD')}), 1, ${of('NEW')}) ${where};`,
    d: `UPDATE ${TABLE} SET acc = annals_digest_add(acc, -1, ${of('OLD')}), row_count = row_count - 1 ${where};`,
  };
  const ops = { i: 'INSERT', u: 'UPDATE', d: 'DELETE' } as const;
  for (const op of which)
    await sql
      .raw(`CREATE TRIGGER IF NOT EXISTS ${triggerName(physical, op)} AFTER ${ops[op]} ON ${physical} BEGIN ${body[op]} END`)
      .execute(db);
}

async function dropTriggers(db: ViewDb, dialect: ReadDialect, owner: string, physical: string): Promise<void> {
  for (const op of dialect === 'sqlite' ? ['i', 'u', 'd'] : ['INSERT', 'UPDATE', 'DELETE'])
    await sql
      .raw(
        dialect === 'sqlite'
          ? `DROP TRIGGER IF EXISTS ${triggerName(owner, op)}`
          : `DROP TRIGGER IF EXISTS ${triggerName('t', op)} ON ${physical}`,
      )
      .execute(db);
}

type Sums = { row_count: number; acc?: Buffer; hi?: string; lo?: string };

/** Rows per statement of a chunked SQLite scan: tens of milliseconds, then other work gets a turn. */
const SCAN_CHUNK = 20_000;

/**
 * The digest state of a table computed from its rows: a full scan, for initialisation and `verify`. `chunked`
 * (SQLite, a table nobody else writes meanwhile): in rowid ranges, yielding to the event loop between them.
 */
async function scanSums(db: ViewDb, dialect: ReadDialect, physical: string, chunked = false): Promise<Sums> {
  if (dialect === 'sqlite') {
    const columns = (await columnsOf(db, dialect, physical)).join(', ');
    if (!chunked) {
      const { rows } = await sql<{ row_count: number; acc: Buffer | null }>`SELECT count(*) AS row_count,
        ${sql.raw(`annals_digest_sum(${columns})`)} AS acc FROM ${sql.table(physical)}`.execute(db);
      return { row_count: Number(rows[0]?.row_count ?? 0), acc: rows[0]?.acc ?? Buffer.from(ZERO) };
    }
    const total: Sums & { acc: Buffer } = { row_count: 0, acc: Buffer.from(ZERO) };
    for (let after = -Infinity; ;) {
      const { rows } = await sql<{ n: number; acc: Buffer | null; last: number | null }>`SELECT count(*) AS n,
        ${sql.raw(`annals_digest_sum(${columns})`)} AS acc, max(rid) AS last
        FROM (SELECT rowid AS rid, * FROM ${sql.table(physical)} WHERE rowid > ${after} ORDER BY rowid LIMIT ${SCAN_CHUNK})`.execute(db);
      const chunk = rows[0];
      if (!chunk || Number(chunk.n) === 0 || chunk.last === null) return total;
      total.row_count += Number(chunk.n);
      if (chunk.acc) addInto(total.acc, chunk.acc, 1);
      after = Number(chunk.last);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const { rows } = await sql<{ row_count: number; hi: string; lo: string }>`SELECT count(*)::bigint AS row_count,
      coalesce(sum(('x' || substr(m, 1, 16))::bit(64)::bigint), 0)::numeric AS hi, coalesce(sum(('x' || substr(m, 17, 16))::bit(64)::bigint), 0)::numeric AS lo
    FROM (SELECT md5(row_to_json(r)::text) AS m FROM ${sql.table(physical)} r) h`.execute(db);
  return { row_count: Number(rows[0]?.row_count ?? 0), hi: rows[0]?.hi ?? '0', lo: rows[0]?.lo ?? '0' };
}

/**
 * Makes sure the table's digest is maintained from now on: the digest row and the triggers, created together in
 * one transaction, the row's sums computed from the rows present. A table that existed before digests were kept
 * (an older views database) is scanned once here, at start-up, before the service answers: about 1–2 s per
 * million rows. A rebuild loads its fresh tables without triggers (a row costs a third of what it costs with one)
 * and calls this with `quiet` before anything else can write them: then the scan runs in chunks.
 */
export async function maintainDigest(db: ViewDb, dialect: ReadDialect, physical: string, options: { quiet?: boolean } = {}): Promise<void> {
  await createDigestTable(db, dialect);
  const present = await db
    .selectFrom(TABLE as never)
    .select(sql<number>`1`.as('one'))
    .where(sql.ref('physical'), '=', physical)
    .executeTakeFirst();
  if (present) return;
  const early = options.quiet ? await scanSums(db, dialect, physical, true) : undefined;
  await db.transaction().execute(async (tx) => {
    await dropTriggers(tx, dialect, physical, physical);
    await createTriggers(tx, dialect, physical);
    const sums = early ?? (await scanSums(tx, dialect, physical));
    await tx
      .insertInto(TABLE as never)
      .values({ physical, ...sums })
      .execute();
  });
}

/** Part of the blue/green swap, inside its transaction: the table renamed `from` → `to` takes its digest along. */
export async function moveDigest(tx: ViewDb, dialect: ReadDialect, from: string, to: string): Promise<void> {
  await tx
    .deleteFrom(TABLE as never)
    .where(sql.ref('physical'), '=', to)
    .execute();
  await tx
    .updateTable(TABLE as never)
    .set({ physical: to } as never)
    .where(sql.ref('physical'), '=', from)
    .execute();
  await dropTriggers(tx, dialect, from, to);
  await createTriggers(tx, dialect, to);
}

/** Forgets the digest of a dropped table (scratch tables). */
export async function forgetDigest(db: ViewDb, physical: string): Promise<void> {
  await db
    .deleteFrom(TABLE as never)
    .where(sql.ref('physical'), '=', physical)
    .execute()
    .catch(() => undefined);
}

type Tables = ReadonlyArray<{ table: ViewTable; physical: string }>;

const fold = (tables: Tables, sums: ReadonlyMap<string, string>): string => {
  const folded = createHash('sha256');
  for (const { table, physical } of tables) folded.update(`#${table}:${sums.get(physical) ?? 'missing'}\n`);
  return folded.digest('hex');
};

const sumsText = (row: { row_count: unknown; acc?: unknown; hi?: unknown; lo?: unknown }): string =>
  row.acc instanceof Uint8Array
    ? `${Number(row.row_count)}:${Buffer.from(row.acc).toString('hex')}`
    : `${Number(row.row_count)}:${String(row.hi)}:${String(row.lo)}`;

/** The maintained digest of a projection's tables: one indexed lookup. */
export async function digestTables(db: ViewDb, tables: Tables): Promise<string> {
  if (tables.length === 0) return fold(tables, new Map());
  const rows = await db
    .selectFrom(TABLE as never)
    .selectAll()
    .where(
      sql.ref('physical'),
      'in',
      tables.map((t) => t.physical),
    )
    .execute();
  return fold(tables, new Map((rows as Array<{ physical: string; row_count: unknown }>).map((row) => [row.physical, sumsText(row)])));
}

/** The same digest recomputed from every row (`verify` checks the maintained one against it). */
export async function scanDigest(db: ViewDb, dialect: ReadDialect, tables: Tables): Promise<string> {
  const sums = new Map<string, string>();
  for (const { physical } of tables) sums.set(physical, sumsText(await scanSums(db, dialect, physical)));
  return fold(tables, sums);
}
