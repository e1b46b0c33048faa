import type { ProjectionStatus } from '@annals/application';
import { LIVE_TABLES, digestTables, type ReadDialect, type ViewDb } from '@annals/read-store';
import { readCheckpoints } from './checkpoints';
import type { Projection } from './projection';
import type { Runtime } from './runtime';

/** What the runner says of a projection, without its digest: small enough to post to another thread on each move. */
export type ProjectionState = Omit<ProjectionStatus, 'digest'>;

export const statesOf = (runtimes: readonly Runtime[]): ProjectionState[] =>
  runtimes.map((runtime) => ({
    name: runtime.projection.name,
    version: runtime.servingVersion,
    position: runtime.position,
    status: runtime.status,
  }));

/** The lowest position every projection has reached: what the views, all of them, include. */
export const lowestPosition = (runtimes: readonly Runtime[]): bigint =>
  runtimes.reduce((min, r) => (r.position < min ? r.position : min), runtimes[0]?.position ?? 0n);

/**
 * The statuses as a reader of the views sees them, on its own connection (the thread answering requests), so a
 * status never waits for the runner's thread, busy as it may be with a batch or a rebuild: the runner's states
 * give version and status; each position and digest are read in one snapshot, so a digest is always of the views
 * at the position shown beside it.
 */
export async function statusesFromViews(
  db: ViewDb,
  dialect: ReadDialect,
  states: readonly ProjectionState[],
  projections: readonly Projection[],
): Promise<ProjectionStatus[]> {
  const snapshot = dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
  return snapshot.execute(async (tx) => {
    const checkpoints = new Map((await readCheckpoints(tx)).map((checkpoint) => [checkpoint.name, checkpoint.position]));
    const out: ProjectionStatus[] = [];
    for (const state of states) {
      const projection = projections.find((candidate) => candidate.name === state.name);
      const tables = (projection?.tables ?? []).map((table) => ({ table, physical: LIVE_TABLES[table] }));
      out.push({ ...state, position: checkpoints.get(state.name) ?? state.position, digest: await digestTables(tx, tables) });
    }
    return out;
  });
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
