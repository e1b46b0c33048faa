import type { EventStore } from '@annals/application';
import { LIVE_TABLES, createViewTable, maintainDigest, type ReadDatabase } from '@annals/read-store';
import { insertCheckpoint, logMismatch, prepareCheckpoints, readCheckpoints } from './checkpoints';
import type { Rebuilder } from './rebuilder';
import type { Runtime } from './runtime';

/** What start-up found: views of another log, and per projection whether its views may serve. */
export interface ServingPlan {
  /** Why the views are not of this log, if they are not: none of them may serve. */
  readonly mismatch?: string;
  /** Another version with another layout: rebuilt before the service answers. */
  readonly blocking: readonly Runtime[];
  /** Another version with the same layout: the old views serve while the new version is rebuilt. */
  readonly outdated: readonly string[];
}

/**
 * Table bootstrap and version reset: creates what is missing (tables, digests, checkpoints) and compares each
 * projection's stored checkpoint with the log and the code. Only what is missing is written, so a standby replica
 * starting up takes no write lock.
 */
export async function planServing(
  store: EventStore,
  read: ReadDatabase,
  runtimes: readonly Runtime[],
  rebuilder: Rebuilder,
): Promise<ServingPlan> {
  const { db, dialect } = read;
  await prepareCheckpoints(db, dialect);
  const stored = await readCheckpoints(db);
  const mismatch = await logMismatch(db, store, stored);
  const blocking: Runtime[] = [];
  const outdated: string[] = [];
  for (const runtime of runtimes) {
    const { projection } = runtime;
    const row = stored.find((checkpoint) => checkpoint.name === projection.name);
    runtime.servingVersion = row?.version ?? projection.version;
    if (mismatch) continue;
    if (row && row.version !== projection.version) {
      runtime.status = 'rebuilding';
      if (!(await rebuilder.layoutMatches(projection))) {
        blocking.push(runtime);
        continue;
      }
      outdated.push(projection.name);
    }
    for (const table of projection.tables) {
      await createViewTable(db, table, LIVE_TABLES[table], 'live', { dialect });
      await maintainDigest(db, dialect, LIVE_TABLES[table]);
    }
    if (!row) await insertCheckpoint(db, projection);
  }
  return { ...(mismatch ? { mismatch } : {}), blocking, outdated };
}

/**
 * The stored checkpoints into the runtimes. Another process (the leader, for a standby) may have moved them or
 * swapped in a new generation of the views: a standby sees the leader's swap here.
 */
export async function reloadPositions(read: ReadDatabase, runtimes: readonly Runtime[], active: boolean): Promise<void> {
  await read.refresh();
  const rows = await readCheckpoints(read.db);
  for (const runtime of runtimes) {
    const row = rows.find((r) => r.name === runtime.projection.name);
    if (!row) continue;
    runtime.position = row.position;
    runtime.servingVersion = row.version;
    if (runtime.status === 'rebuilding' && row.version === runtime.projection.version && !active) runtime.status = 'running';
  }
}

/**
 * Views that must not serve are replaced before the service answers: by this runner once it gets the lease, or by
 * the replica that holds it (this one then waits until the stored checkpoints say it is done).
 */
export async function rebuildBeforeServing(
  store: EventStore,
  read: ReadDatabase,
  runtimes: readonly Runtime[],
  steps: {
    readonly stopped: () => boolean;
    readonly lease: () => Promise<{ release(): Promise<void> } | undefined>;
    readonly rebuild: (names: string[]) => Promise<void>;
    readonly reload: () => Promise<void>;
  },
): Promise<void> {
  while (!steps.stopped()) {
    const lease = await steps.lease();
    if (lease) {
      read.files?.sweep();
      try {
        await steps.rebuild(runtimes.map((runtime) => runtime.projection.name));
      } finally {
        await lease.release();
      }
      return;
    }
    await read.refresh();
    const stored = await readCheckpoints(read.db);
    const settled = runtimes.every((r) => stored.find((c) => c.name === r.projection.name)?.version === r.projection.version);
    if (settled && !(await logMismatch(read.db, store, stored))) return steps.reload();
  }
}
