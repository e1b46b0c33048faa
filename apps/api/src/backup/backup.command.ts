import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ViewGenerations } from '@annals/read-store';
import { backupSqliteDatabase } from '@annals/event-store';
import type { AppConfig } from '../config/app-config';

type Log = (line: string) => void;

/**
 * `annals backup DIR`: a consistent online copy of the embedded store while the service runs and writes. The views
 * (when they are SQLite) are copied first and the log second, so the copied views are never ahead of the copied
 * log: a service started on DIR catches them up instead of having to rebuild. DIR is created if missing and
 * must be empty.
 */
export async function backupCommand(config: AppConfig, args: readonly string[], log: Log): Promise<number> {
  const target = args[0];
  if (!target) {
    log('usage: annals backup DIR   (DIR is created if missing and must be empty)');
    return 2;
  }
  if (config.eventStore !== 'sqlite') {
    log(
      'backup: this command backs up the embedded store (EVENT_STORE=sqlite). Back KurrentDB up with its own tools ' +
        '(see the README), or take a logical copy with `annals export`.',
    );
    return 2;
  }
  const events = join(config.dataDir, 'events.db');
  if (!existsSync(events)) {
    log(`backup: no event store at ${events} (DATA_DIR=${config.dataDir})`);
    return 2;
  }
  const dir = resolve(target);
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    log(`backup: ${target} must be an empty directory (or not exist yet); nothing was written`);
    return 2;
  }
  mkdirSync(dir, { recursive: true });

  const started = performance.now();
  // The views that serve now: after a rebuild that is a newer generation file, named by views.current.
  const views = new ViewGenerations(join(config.dataDir, 'views.db')).current();
  if (config.readStore === 'sqlite' && existsSync(views)) {
    const copied = await backupSqliteDatabase(views, join(dir, 'views.db'));
    log(`backup: views copied (${copied.pages} pages, ${copied.steps} steps, longest ${copied.longestStepMs.toFixed(1)} ms)`);
  }
  const copied = await backupSqliteDatabase(events, join(dir, 'events.db'));
  const summary = summarize(join(dir, 'events.db'));
  const seconds = (performance.now() - started) / 1000;
  log(
    `backup: event log copied (${copied.pages} pages, ${copied.steps} steps, ${copied.restarts} restarts after concurrent writes, ` +
      `longest step ${copied.longestStepMs.toFixed(1)} ms)`,
  );
  log(`backup: ${summary.events} events up to position ${summary.head} in ${dir} (${seconds.toFixed(2)} s); serve it with DATA_DIR=${dir}`);
  return 0;
}

/** Opens the copy as a check that it is a whole database, and says what it holds. */
function summarize(file: string): { events: number; head: string } {
  const db = new Database(file, { fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy at ${file} failed SQLite's quick_check: ${String(check)}`);
    const row = db.prepare('SELECT count(*) AS events, max(position) AS head FROM events').get() as { events: number; head: number | null };
    return { events: row.events, head: String(row.head ?? 0) };
  } finally {
    db.close();
  }
}
