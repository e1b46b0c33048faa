#!/usr/bin/env node
import 'reflect-metadata';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ALL_PROJECTIONS, ProjectionRunner } from '@annals/projections';
import type { RunnerLease } from '@annals/read-store';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { createApp } from './bootstrap';
import { NdjsonImport } from './imports/ndjson-import';
import { openEventStore, openReadDatabase } from './persistence/persistence.module';
import { backupCommand } from './backup/backup.command';
import { exitWhenFlushed } from './backup/cli-output';
import { exportDevelopments, exportLog } from './backup/export.command';
import { restoreCommand } from './backup/restore.command';

const USAGE = `usage: annals <command>
  serve                 run the HTTP service (same as npm start)
  rebuild               rebuild every view from the event log (blue/green; run it with the service stopped,
                        or use POST /api/projections/rebuild on a running one)
  import FILE.ndjson    record developments from an NDJSON file, one a line
  export                write the whole event log as NDJSON to stdout (one event a line, the keys of GET /api/events)
  export --developments write the current state of every development as import lines (retracted ones left out)
  restore FILE|-        replay an export into an EMPTY event store (either adapter), then build the views
                        (exit 2: the store is not empty; 1: the file is not a whole export; nothing written then)
  backup DIR            consistent online copy of the embedded store into DIR (created; must be empty), while
                        the service runs; serve it with DATA_DIR=DIR
  verify                rebuild into scratch tables and compare digests with the live views' maintained digests
                        and with a full scan of their rows (exit 1 on difference)
Configuration comes from the same environment variables as the service (DATA_DIR, EVENT_STORE, READ_STORE, …).`;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** How long `rebuild` and `verify` try for the views' writer lease before concluding a service holds it. */
const LEASE_WAIT_MS = 2500;

/**
 * Stores and a runner without the HTTP layer, for the offline commands. `rebuild` and `verify` write views, so
 * they first take the lease a running service holds on them (the SQLite lock file, or PostgreSQL's advisory
 * lock): with a service running they refuse (exit 4) instead of writing views under it.
 */
async function withRunner(
  config: AppConfig,
  work: (runner: ProjectionRunner, store: ReturnType<typeof openEventStore>) => Promise<number>,
  options: { writesViews?: 'rebuild' | 'verify' } = {},
): Promise<number> {
  const store = openEventStore(config);
  const read = openReadDatabase(config);
  const runner = new ProjectionRunner(store, read, ALL_PROJECTIONS, { log: err, error: err });
  let lease: RunnerLease | undefined;
  try {
    if (options.writesViews) {
      lease = await read.acquireRunnerLease(AbortSignal.timeout(LEASE_WAIT_MS));
      if (!lease) {
        err(
          `annals ${options.writesViews}: a running Annals service writes these views (it holds their lease); ` +
            (options.writesViews === 'rebuild' ? 'ask it instead (POST /api/projections/rebuild) or stop it first' : 'stop it first'),
        );
        return 4;
      }
      // verify runs the live runner, which takes the lease itself.
      if (options.writesViews === 'verify') {
        await lease.release();
        lease = undefined;
      }
    }
    // The export reads the log only: the views are neither checked nor touched.
    if (options.writesViews) await runner.init({ leaseHeld: lease !== undefined });
    return await work(runner, store);
  } finally {
    await lease?.release();
    await store.close();
    await read.close();
  }
}

/** With API_KEYS configured, the admin commands need an admin key (and import a write key) in ANNALS_KEY. */
function checkCliScope(config: AppConfig, command: string): string | undefined {
  const needed = { rebuild: 'admin', export: 'admin', verify: 'admin', import: 'write', restore: 'admin', backup: 'admin' }[command];
  if (!needed || config.apiKeys.length === 0) return undefined;
  const key = config.apiKeys.find((candidate) => candidate.key === config.cliKey);
  if (!key) return `annals ${command} needs ANNALS_KEY set to a key with the ${needed} scope (API_KEYS is configured)`;
  const rank = { read: 1, write: 2, admin: 3 } as const;
  return rank[key.scope] >= rank[needed as 'write' | 'admin']
    ? undefined
    : `annals ${command} needs the ${needed} scope; the key "${key.name}" has ${key.scope}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const refused = checkCliScope(config, command);
  if (refused) {
    err(refused);
    return 3;
  }
  switch (command) {
    case 'serve': {
      const app = await createApp(config);
      await app.listen({ port: config.port, host: config.host });
      out(`Annals listening on http://${config.host}:${config.port}`);
      return new Promise<number>(() => undefined);
    }
    case 'rebuild':
      return withRunner(
        config,
        async (runner) => {
          await runner.rebuild();
          for (const status of await runner.statuses()) out(`${status.name}\tposition ${status.position}\tdigest ${status.digest}`);
          return 0;
        },
        { writesViews: 'rebuild' },
      );
    case 'verify':
      return withRunner(
        config,
        async (runner, store) => {
          // Bring the live views up to the head first, so only a real difference fails the check.
          runner.start();
          await runner.waitFor(await store.headPosition(), 600_000);
          const results = await runner.verify();
          await runner.stop();
          for (const r of results)
            out(`${r.equal ? 'ok  ' : 'DIFF'}\t${r.name}\tlive ${r.live}\trebuilt ${r.rebuilt}\tscanned ${r.scanned}`);
          return results.every((r) => r.equal) ? 0 : 1;
        },
        { writesViews: 'verify' },
      );
    case 'export':
      return withRunner(config, (_runner, store) =>
        args.includes('--developments') ? exportDevelopments(store, err) : exportLog(store, err),
      );
    case 'restore':
      return restoreCommand(config, args, err);
    case 'backup':
      return backupCommand(config, args, err);
    case 'import': {
      const file = args[0];
      if (!file || !existsSync(file)) {
        err(`import needs an existing NDJSON file (got ${file ?? 'nothing'})`);
        return 2;
      }
      const app = await createApp({ ...config, sampleData: false }, { logger: false });
      await app.init();
      try {
        const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
        const report = await app.get(NdjsonImport).run(lines, { actor: 'cli', correlationId: `import-${Date.now()}` });
        out(JSON.stringify(report));
        return report.rejected.length === 0 ? 0 : 1;
      } finally {
        await app.close();
      }
    }
    default:
      err(`unknown command: ${command}\n${USAGE}`);
      return 2;
  }
}

// Exit only once stdout is flushed: process.exit() would cut off the end of an export going into a pipe.
main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: unknown) => {
    err(error instanceof ConfigError ? error.message : `annals: ${error instanceof Error ? error.message : String(error)}`);
    return exitWhenFlushed(1);
  },
);
