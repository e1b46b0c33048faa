import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppendGroup, GroupOutcome } from './sqlite.appender';

/** What the writer thread opens. */
export interface WriterData {
  readonly filename: string;
  readonly synchronous?: 'full' | 'normal';
}

export type ToWriter = { readonly type: 'commit'; readonly group: AppendGroup } | { readonly type: 'ping' } | { readonly type: 'close' };
/** The writer answers each commit and ping, in the order posted. */
export type FromWriter =
  { readonly type: 'committed'; readonly outcome: GroupOutcome } | { readonly type: 'pong'; readonly writable: boolean };

/** The compiled worker entry; from the TypeScript sources (jest), the built one (`npm run build`). */
function writerFile(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, 'sqlite.writer.worker.js');
  const root = join(__dirname, '..', '..', '..', '..');
  const built = join(root, 'dist', relative(root, __dirname), 'sqlite.writer.worker.js');
  if (!existsSync(built)) throw new Error(`the event store's writer thread is not built (${built}): run npm run build`);
  return built;
}

/** Its heap holds one group of appends at a time (an import chunk is a few hundred KB). */
const WRITER_HEAP_MB = 48;

/**
 * The request thread's side of the writer thread: posts a group of appends, resolves with its outcome once the
 * transaction is committed (durable at the store's synchronous setting) or refused. Groups commit in the order
 * posted. While nothing is in flight the thread does not keep the process alive.
 */
export class SqliteWriterThread {
  private readonly worker: Worker;
  private readonly waiting: Array<{ resolve: (reply: FromWriter) => void; reject: (error: Error) => void }> = [];
  private failure?: Error;

  constructor(data: WriterData) {
    this.worker = new Worker(writerFile(), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: WRITER_HEAP_MB } });
    this.worker.unref();
    this.worker.on('message', (reply: FromWriter) => {
      const next = this.waiting.shift();
      if (this.waiting.length === 0) this.worker.unref();
      next?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the event store's writer thread exited (code ${code})`)));
  }

  async commit(group: AppendGroup): Promise<GroupOutcome> {
    const reply = await this.ask({ type: 'commit', group });
    if (reply.type !== 'committed') throw new Error(`the writer thread answered a commit with ${reply.type}`);
    return reply.outcome;
  }

  /** Whether the writer's connection can take the write lock (another process may hold it), after the groups posted. */
  async ping(): Promise<boolean> {
    const reply = await this.ask({ type: 'ping' });
    return reply.type === 'pong' && reply.writable;
  }

  private ask(message: ToWriter): Promise<FromWriter> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<FromWriter>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.ref();
      this.worker.postMessage(message);
    });
  }

  /** Lets the groups already posted commit, then closes the thread's connection. */
  async close(): Promise<void> {
    if (this.failure) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Held until the thread is gone: a process with nothing else to do would otherwise end before it (exit code 0).
    this.worker.ref();
    this.worker.postMessage({ type: 'close' } satisfies ToWriter);
    await exited;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    // Whether those groups committed is unknown: none was acknowledged, each caller hears it failed.
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
  }
}
