/**
 * Another process holding a SQLite file's write lock: a child `node -e` opens it with better-sqlite3, takes
 * `BEGIN EXCLUSIVE` (in WAL mode: the one write lock; readers still read) and keeps it for `holdMs`.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

const SCRIPT = `
const Database = require('better-sqlite3');
const db = new Database(process.argv[1], { timeout: 10000 });
db.exec('BEGIN EXCLUSIVE');
process.stdout.write('locked\\n');
setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n'); }, Number(process.argv[2]));
`;

export interface SqliteLock {
  /** Date.now() when the lock was taken and when it was let go. */
  readonly lockedAt: number;
  readonly released: Promise<number>;
  /** Kills the locker if it still runs (cleanup after a failed test). */
  kill(): void;
}

export async function holdSqliteLock(file: string, holdMs: number): Promise<SqliteLock> {
  const child = spawn(process.execPath, ['-e', SCRIPT, file, String(holdMs)], {
    cwd: process.cwd(), // resolves better-sqlite3 from the project's node_modules
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let out = '';
  let lockedAt = 0;
  let releasedAt = 0;
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!lockedAt && out.includes('locked')) {
        lockedAt = Date.now();
        resolve();
      }
      if (!releasedAt && out.includes('released')) releasedAt = Date.now();
    });
    child.once('exit', (code) => reject(new Error(`the locker exited (${code}) before locking: ${stderr}`)));
  });
  const exited = once(child, 'exit');
  await locked;
  return {
    lockedAt,
    released: exited.then(() => {
      if (!releasedAt) throw new Error(`the locker did not release cleanly: ${stderr}`);
      return releasedAt;
    }),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
