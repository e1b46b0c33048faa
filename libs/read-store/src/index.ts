export * from './read-database';
export * from './sqlite.read-database';
export * from './view-generations';
export * from './scratch-digests';
export * from './view-tables';
export * from './view-schema';
export * from './view-digest';
export * from './kysely.read-store';
