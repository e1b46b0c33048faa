import type { ProjectionStatus } from '@annals/application';
import { LIVE_TABLES, digestTables, type ViewDb } from '@annals/read-store';
import type { Runtime } from './runtime';

/** The lowest position every projection has reached: what the views, all of them, include. */
export const lowestPosition = (runtimes: readonly Runtime[]): bigint =>
  runtimes.reduce((min, r) => (r.position < min ? r.position : min), runtimes[0]?.position ?? 0n);

/** Each projection as it serves now; the digest is the maintained one: a lookup, however large the views. */
export async function statusesOf(db: ViewDb, runtimes: readonly Runtime[]): Promise<ProjectionStatus[]> {
  const out: ProjectionStatus[] = [];
  for (const runtime of runtimes) {
    const tables = runtime.projection.tables.map((table) => ({ table, physical: LIVE_TABLES[table] }));
    out.push({
      name: runtime.projection.name,
      version: runtime.servingVersion,
      position: runtime.position,
      status: runtime.status,
      digest: await digestTables(db, tables),
    });
  }
  return out;
}

/**
 * `rebuilding` while `work` rebuilds them; afterwards `rebuilding` still if views of an older version serve (the
 * rebuild failed), `failed` if they were failing before, `running` otherwise.
 */
export async function whileRebuilding(runtimes: readonly Runtime[], work: () => Promise<void>): Promise<void> {
  const previous = runtimes.map((runtime) => runtime.status);
  for (const runtime of runtimes) runtime.status = 'rebuilding';
  try {
    await work();
  } finally {
    runtimes.forEach((runtime, index) => {
      const before = previous[index]!;
      if (runtime.servingVersion !== runtime.projection.version) runtime.status = 'rebuilding';
      else runtime.status = before === 'failed' ? 'failed' : 'running';
    });
  }
}
