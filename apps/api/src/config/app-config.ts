import { resolve } from 'node:path';

/** The service's configuration, parsed once from the environment. This is the only file that reads process.env. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: 'sqlite' | 'kurrentdb';
  readonly kurrentDbUrl?: string;
  readonly readStore: 'sqlite' | 'postgres';
  readonly databaseUrl?: string;
  readonly apiKeys: ReadonlyArray<{ name: string; key: string; scope: 'read' | 'write' | 'admin' }>;
  readonly publicReads: boolean;
  readonly rateLimit?: number;
  readonly sampleData: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly sqliteSynchronous: 'full' | 'normal';
  /** How long a read with `minPosition` waits for the views. */
  readonly minPositionWaitMs: number;
  /** How often the live feed sends a heartbeat comment on an idle connection. */
  readonly liveHeartbeatMs: number;
  /** The key the `annals` command line presents (ANNALS_KEY) when API_KEYS are configured. */
  readonly cliKey?: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]?.toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false (got "${env[name]}")`);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined, min: number, max: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${value}")`);
  return Number(value);
}

function parseKeys(raw: string | undefined): AppConfig['apiKeys'] {
  if (!raw) return [];
  return raw.split(',').map((entry) => {
    const [name, key, scope, ...rest] = entry.trim().split(':');
    if (!name || !key || !scope || rest.length > 0 || !['read', 'write', 'admin'].includes(scope)) {
      throw new ConfigError('API_KEYS', 'must be comma-separated name:key:scope entries with scope read, write or admin');
    }
    if (key.length < 16) throw new ConfigError('API_KEYS', `key of "${name}" must be at least 16 characters`);
    return { name, key, scope: scope as 'read' | 'write' | 'admin' };
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const apiKeys = parseKeys(env.API_KEYS);
  const host = env.HOST || '127.0.0.1';
  if (apiKeys.length === 0 && !LOOPBACK.has(host)) {
    throw new ConfigError(
      'HOST',
      `is "${host}", which is not loopback, and no API_KEYS are configured: refusing to accept writes from the network without keys`,
    );
  }
  const eventStore = oneOf(env, 'EVENT_STORE', ['sqlite', 'kurrentdb'], 'sqlite');
  const readStore = oneOf(env, 'READ_STORE', ['sqlite', 'postgres'], 'sqlite');
  if (eventStore === 'kurrentdb' && !env.KURRENTDB_URL) throw new ConfigError('KURRENTDB_URL', 'is required when EVENT_STORE=kurrentdb');
  if (env.KURRENTDB_URL && !/^(kurrentdb|esdb|kdb|eventstoredb)(\+discover)?:\/\//.test(env.KURRENTDB_URL)) {
    throw new ConfigError('KURRENTDB_URL', 'must be a kurrentdb:// connection string');
  }
  if (readStore === 'postgres' && !env.DATABASE_URL) throw new ConfigError('DATABASE_URL', 'is required when READ_STORE=postgres');
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL))
    throw new ConfigError('DATABASE_URL', 'must be a postgres:// connection string');
  return {
    port: integer(env, 'PORT', 3000, 0, 65535)!,
    host,
    dataDir: resolve(env.DATA_DIR || './data'),
    eventStore,
    kurrentDbUrl: env.KURRENTDB_URL || undefined,
    readStore,
    databaseUrl: env.DATABASE_URL || undefined,
    apiKeys,
    publicReads: bool(env, 'PUBLIC_READS', true),
    rateLimit: integer(env, 'RATE_LIMIT', undefined, 1, 10_000_000),
    sampleData: bool(env, 'SAMPLE_DATA', eventStore === 'sqlite'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    sqliteSynchronous: oneOf(env, 'SQLITE_SYNCHRONOUS', ['full', 'normal'], 'full'),
    minPositionWaitMs: integer(env, 'MIN_POSITION_WAIT_MS', 5000, 0, 60_000)!,
    liveHeartbeatMs: integer(env, 'LIVE_HEARTBEAT_MS', 20_000, 100, 300_000)!,
    cliKey: env.ANNALS_KEY || undefined,
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
