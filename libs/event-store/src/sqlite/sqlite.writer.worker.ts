import { parentPort, workerData } from 'node:worker_threads';
import { SqliteAppender } from './sqlite.appender';
import { openLogConnection } from './sqlite.connection';
import { checkpointWhenIdle } from './wal-checkpoint';
import type { FromWriter, ToWriter, WriterData } from './sqlite.writer-thread';

/**
 * The log's writer thread: its own connection, on which every group commit runs (the inserts and the fsync), so
 * the request thread goes on serving while a commit waits for the disk. One group at a time, in the order posted.
 */
const port = parentPort!;
const { filename, synchronous } = workerData as WriterData;
const db = openLogConnection(filename, { synchronous });
const appender = new SqliteAppender(db);
const checkpointer = checkpointWhenIdle(() => db);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    checkpointer.stop();
    db.close();
    port.close();
    return;
  }
  if (message.type === 'ping') {
    let writable = true;
    try {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    } catch {
      writable = false;
    }
    port.postMessage({ type: 'pong', writable } satisfies FromWriter);
    return;
  }
  port.postMessage({ type: 'committed', outcome: appender.commit(message.group) } satisfies FromWriter);
});
