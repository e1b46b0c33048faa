import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * Empties a writer's WAL file once its writes pause. SQLite checkpoints by itself only every 1,000 pages (16 MiB
 * at our page size) and never shrinks the file, so a quiet data dir would keep up to that much beside each
 * database. Every `everyMs`, if the connection has written but nothing since the last look and its WAL holds anything, a
 * TRUNCATE checkpoint copies it into the database and cuts it to zero; a reader still on it makes that a partial
 * checkpoint (tried again next time), never a wait beyond the connection's busy timeout.
 */
export function checkpointWhenIdle(current: () => Database.Database | undefined, everyMs = 1000): { stop(): void } {
  let lastChanges = -1;
  const timer = setInterval(() => {
    const sqlite = current();
    if (!sqlite?.open || sqlite.inTransaction) return;
    try {
      const changes = Number(sqlite.prepare('SELECT total_changes() AS n').pluck().get());
      const idle = changes === lastChanges;
      lastChanges = changes;
      // Only a connection that has written: readers leave the WAL to its writer.
      if (idle && changes > 0 && walBytes(sqlite.name) > 0) sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // Busy (another connection checkpointing or writing): next time.
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

function walBytes(file: string): number {
  try {
    return statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}
