import { parentPort, workerData } from 'node:worker_threads';
import { SqliteAppender, type GroupOutcome } from './sqlite.appender';
import { openLogConnection } from './sqlite.connection';
import { checkpointWhenIdle } from './wal-checkpoint';
import type { ToWriter, WriterData } from './sqlite.writer-thread';

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
  const outcome: GroupOutcome = appender.commit(message.group);
  port.postMessage(outcome);
});
