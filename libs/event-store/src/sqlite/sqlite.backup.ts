import { renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface SqliteBackupOptions {
  /** Pages copied per step at first; each step holds a read snapshot only, which in WAL mode blocks no writer. */
  readonly pagesPerStep?: number;
  readonly onProgress?: (progress: { totalPages: number; remainingPages: number }) => void;
}

export interface SqliteBackupResult {
  readonly pages: number;
  readonly steps: number;
  /** Times a write by another connection made SQLite start the copy over. */
  readonly restarts: number;
  /** The longest step, ms: how long the copy held its snapshot at a time. */
  readonly longestStepMs: number;
}

/**
 * A consistent online copy of a live SQLite database with SQLite's backup API (better-sqlite3's `db.backup()`),
 * in steps, the event loop free in between. A write by another connection (the running service) makes SQLite
 * start the copy over at the next step, which is what makes the copy consistent; so each restart doubles the step,
 * and a busy database is copied in a few large steps rather than never. In WAL mode a step is a read transaction:
 * writers are not held up by it. The copy is written beside `destination` and renamed into place when complete.
 */
export async function backupSqliteDatabase(
  source: string,
  destination: string,
  options: SqliteBackupOptions = {},
): Promise<SqliteBackupResult> {
  const db = new Database(source, { fileMustExist: true });
  const partial = `${destination}.partial`;
  let pagesPerStep = options.pagesPerStep ?? 256;
  let steps = 0;
  let restarts = 0;
  let longestStepMs = 0;
  let previousRemaining = Number.POSITIVE_INFINITY;
  let pages = 0;
  let stepStarted = performance.now();
  try {
    await db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        longestStepMs = Math.max(longestStepMs, performance.now() - stepStarted);
        steps++;
        pages = totalPages;
        if (remainingPages > previousRemaining) {
          restarts++;
          pagesPerStep *= 2;
        }
        previousRemaining = remainingPages;
        options.onProgress?.({ totalPages, remainingPages });
        stepStarted = performance.now();
        return pagesPerStep;
      },
    });
    renameSync(partial, destination);
    return { pages, steps, restarts, longestStepMs };
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}
