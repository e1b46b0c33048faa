import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminUrl } from '../postgres';

/**
 * A database of its own (not a schema in a shared one): a fault test can then refuse its connections and
 * terminate its backends without touching any other suite that runs at the same time on the same server.
 */
export async function createDedicatedDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `annals_fault_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  url.search = '';
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl() });
      await client.connect();
      try {
        await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
