import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { EventStore } from '@annals/application';
import { CommitSignal, SqliteEventStore, tailingSubscription } from '@annals/event-store';
import { ALL_PROJECTIONS, ProjectionRunner, type RunnerProgress } from '@annals/projections';
import type { FromWorker, RunnerState, RunnerWorkerData, ToWorker } from './runner.protocol';
import { openEventStore, openReadDatabase } from './stores';

/**
 * The projection runner's thread: its own event store and views connections, so live batches, rebuilds and
 * verifies never hold the main thread's event loop or the connection reads use (SQLite in WAL lets this thread
 * write views.db while the main thread reads it).
 */
/**
 * This thread runs a few steps of niceness behind the request thread and the log's writer: on a machine with few
 * cores a busy runner (catching up after an import, rebuilding) would otherwise take a core's worth of time from
 * the requests. The views fall behind a little more under load and catch up once it passes.
 */
function yieldToRequests(): void {
  try {
    // Linux: a thread is a task of its own, with its own niceness (/proc/thread-self names it).
    const thread = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(thread, Math.min(19, getPriority(thread) + 5));
  } catch {
    // Elsewhere the thread keeps the process's priority.
  }
}
yieldToRequests();

const port = parentPort!;
const { config } = workerData as RunnerWorkerData;
const post = (message: FromWorker) => port.postMessage(message);

/**
 * The embedded log is written on the main thread, whose commits this thread's store cannot see: the main thread
 * posts a message on each commit, and the tail also polls (other processes may append too).
 */
function followedStore(store: EventStore, commits: CommitSignal): EventStore {
  if (!(store instanceof SqliteEventStore)) return store;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'subscribe')
        return (options: { after?: bigint } = {}) =>
          tailingSubscription((after, limit) => target.readBatch(after, limit), commits, { after: options.after, pollMs: 100 });
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

const commits = new CommitSignal();
const rawStore = openEventStore(config, 'projections');
const store = followedStore(rawStore, commits);
const read = openReadDatabase(config, 'projections');
const runner = new ProjectionRunner(store, read, ALL_PROJECTIONS, {
  log: (message) => post({ type: 'log', level: 'log', message }),
  error: (message) => post({ type: 'log', level: 'error', message }),
});

let last: RunnerState | undefined;
let views = read.files?.current;
function postState(progress?: RunnerProgress): void {
  // Before the position it brings: a read waiting for that position then finds the main thread on the new file.
  if (read.files && read.files.current !== views) {
    views = read.files.current;
    post({ type: 'views' });
  }
  const state: RunnerState = { position: runner.position, healthy: runner.healthy, active: runner.isActive, projections: runner.states() };
  const applied = progress?.applied;
  if (!applied && last && sameState(last, state)) return;
  last = state;
  post({ type: 'state', ...state, ...(applied ? { applied } : {}) });
}
runner.onProgress(postState);

function sameState(a: RunnerState, b: RunnerState): boolean {
  return (
    a.position === b.position &&
    a.healthy === b.healthy &&
    a.active === b.active &&
    a.projections.every((p, i) => {
      const q = b.projections[i];
      return q !== undefined && p.name === q.name && p.version === q.version && p.position === q.position && p.status === q.status;
    })
  );
}
// The lease and health change without progress: looked at a few times a second.
const watch = setInterval(() => postState(), 100);

async function call(method: string, args: readonly unknown[]): Promise<unknown> {
  switch (method) {
    case 'init':
      return runner.init();
    case 'start':
      return runner.start();
    case 'statuses':
      return runner.statuses();
    case 'rebuild':
      return runner.rebuild(args[0] as string[] | undefined);
    case 'verify':
      return runner.verify();
    case 'stop':
      clearInterval(watch);
      await runner.stop();
      await rawStore.close();
      await read.close();
      return undefined;
    default:
      throw new Error(`unknown runner method ${method}`);
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'commit') return commits.notify();
  call(message.method, message.args).then(
    (value) => {
      postState();
      post({ type: 'reply', id: message.id, ok: true, value });
      if (message.method === 'stop') port.close();
    },
    (error: unknown) => post({ type: 'reply', id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
