export * from './sqlite/sqlite.event-store';
export * from './in-memory/in-memory.event-store';
export * from './tailing-subscription';
export * from './kurrentdb/kurrentdb.event-store';
export * from './sqlite/sqlite.backup';
export * from './resubscribe';
