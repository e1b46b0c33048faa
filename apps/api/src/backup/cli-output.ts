/**
 * stdout for commands whose output is data (export): every line reaches the pipe or file before the process
 * exits, and a reader that goes away (`| head`) ends the command quietly instead of with EPIPE.
 */
export class DataOutput {
  private closedByReader = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stdout) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.closedByReader = true;
      else throw error;
    });
  }

  /** True once the reader closed the pipe: nothing more can be delivered. */
  get closed(): boolean {
    return this.closedByReader || this.stream.destroyed;
  }

  /** Writes one line, waiting while the pipe is full, so memory stays bounded whatever the log's size. */
  async line(text: string): Promise<void> {
    if (this.closed) return;
    if (!this.stream.write(`${text}\n`)) await this.drained();
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.stream.on('error', done);
    });
  }
}

/** Resolves once everything written to `stream` so far has been handed to the OS (or the stream is gone). */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return Promise.resolve();
  return new Promise<void>((resolve) => {
    try {
      stream.write('', () => resolve());
    } catch {
      resolve();
    }
  });
}

/**
 * `process.exit()` drops what is still queued for a pipe: the export's last lines. Exit only once stdout and
 * stderr are flushed; a closed pipe counts as flushed.
 */
export async function exitWhenFlushed(code: number): Promise<never> {
  await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), new Promise((r) => setTimeout(r, 30_000))]);
  process.exit(code);
}
