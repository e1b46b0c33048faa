import { accessSync, constants, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AppConfig } from './app-config';

/** A start-up failure an operator can fix, said in one line naming what to change. */
export class StartupProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupProblem';
  }
}

const usesDataDir = (config: AppConfig) => config.eventStore === 'sqlite' || config.readStore === 'sqlite';

/** DATA_DIR must be a folder this process can create files in; checked before anything opens it. */
export function checkDataDir(config: AppConfig): void {
  if (!usesDataDir(config)) return;
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    throw dataDirProblem(config, error);
  }
}

function dataDirProblem(config: AppConfig, error: unknown): StartupProblem {
  const code = (error as { code?: unknown }).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'it, or a folder above it, is a file'
        : code === 'EROFS' || code === 'SQLITE_READONLY'
          ? 'the file system is read-only'
          : code === 'ENOSPC' || code === 'SQLITE_FULL'
            ? 'the disk is full'
            : error instanceof Error
              ? error.message
              : String(error);
  return new StartupProblem(`DATA_DIR "${config.dataDir}" cannot be used (${why}): set DATA_DIR to a folder this user can write to`);
}

/** Fails early, before any store is opened, when the port cannot be listened on (in use, privileged, wrong HOST). */
export async function checkPort(config: AppConfig): Promise<void> {
  if (config.port === 0) return;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host, exclusive: true }, () => resolve());
  }).catch((error: unknown) => {
    throw new StartupProblem(describeStartupFailure(error, config));
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** What to tell the operator about a failure to start: one line, no stack trace. */
export function describeStartupFailure(error: unknown, config: AppConfig): string {
  if (error instanceof StartupProblem) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE')
    return `Port ${config.port} is already in use on ${config.host}: set PORT to a free port, or stop the process using it`;
  if (code === 'EACCES' && (error as { syscall?: unknown }).syscall === 'listen')
    return `Port ${config.port} needs privileges on this machine: set PORT to 1024 or above`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `HOST "${config.host}" is not an address of this machine (${where}): set HOST`;
  if (typeof code === 'string' && /^SQLITE_(CANTOPEN|READONLY|FULL|IOERR)/.test(code) && usesDataDir(config))
    return dataDirProblem(config, error).message;
  const message = error instanceof Error ? error.message : String(error);
  return `Annals could not start: ${message}`;
}
