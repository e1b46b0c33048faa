import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The embedded views live in generation files: `views.db` (the first, and views kept before generations), then
 * `views-<n>.db`, one per rebuild. A tiny pointer file, `views.current`, names the generation that serves; a rebuild
 * writes a fresh generation, makes it durable, then renames a new pointer into place (atomic on POSIX), so a crash
 * at any point leaves the pointer naming a complete generation. The old file is then deleted, which gives its space
 * back at once (tables dropped inside one file would only go to its free list).
 *
 * A generation file is never renamed: SQLite's -wal and -shm files belong to a path, so a connection still open on
 * an old generation (another thread that has not reopened yet) never shares them with the new one. Numbers only
 * grow, so a deleted generation's name is never reused while some connection may still hold it open.
 */
export class ViewGenerations {
  private readonly dir: string;
  private readonly stem: string;
  private highest = 0;

  /** `base`: the views database path as configured (`<dir>/views.db`). */
  constructor(private readonly base: string) {
    this.dir = dirname(base);
    this.stem = basename(base).replace(/\.db$/, '');
  }

  private get pointer(): string {
    return join(this.dir, `${this.stem}.current`);
  }

  /** The file that serves now. */
  current(): string {
    try {
      const name = readFileSync(this.pointer, 'utf8').trim();
      if (name && this.generationOf(name) !== undefined) return join(this.dir, name);
    } catch {
      // No pointer: the first generation, the configured name itself.
    }
    return this.base;
  }

  /** The number of a generation file name (0 for the base name), undefined for any other file. */
  private generationOf(name: string): number | undefined {
    if (name === basename(this.base)) return 0;
    const match = new RegExp(`^${escape(this.stem)}-(\\d+)\\.db$`).exec(name);
    return match ? Number(match[1]) : undefined;
  }

  /** Generation files in the directory, with their -wal/-shm/-journal companions. */
  private files(): Array<{ name: string; generation: number }> {
    let names: string[] = [];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const out: Array<{ name: string; generation: number }> = [];
    for (const name of names) {
      const main = name.replace(/-(wal|shm|journal)$/, '');
      const generation = this.generationOf(main);
      if (generation !== undefined) out.push({ name, generation });
    }
    return out;
  }

  /** A path for a new generation, numbered above every one seen (in the directory or by this process). */
  nextFile(): string {
    const seen = this.files().map((file) => file.generation);
    const current = this.generationOf(basename(this.current())) ?? 0;
    this.highest = Math.max(this.highest, current, ...seen) + 1;
    return join(this.dir, `${this.stem}-${this.highest}.db`);
  }

  /** Makes `file` the serving generation: durable content first, then the pointer, renamed into place and synced. */
  promote(file: string): void {
    syncFile(file);
    const temporary = `${this.pointer}.tmp`;
    writeFileSync(temporary, `${basename(file)}\n`);
    syncFile(temporary);
    renameSync(temporary, this.pointer);
    syncFile(this.dir);
  }

  /**
   * Deletes every generation but the serving one (the old one after a swap, the half-built one of a rebuild cut
   * off by a crash, a verify's scratch). Only the holder of the views' writer lease calls this: nobody else makes
   * generations. `keep`: a scratch being built right now.
   */
  sweep(keep?: string): void {
    const current = basename(this.current());
    const kept = new Set([current, keep ? basename(keep) : current]);
    for (const { name } of this.files()) {
      if (kept.has(name.replace(/-(wal|shm|journal)$/, ''))) continue;
      rmSync(join(this.dir, name), { force: true });
    }
  }

  /** Deletes one generation and its companions (a scratch that will never serve). */
  remove(file: string): void {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** fsync of a file or a directory (a rename is durable only once its directory is synced). */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
