export * from './read-database';
export * from './view-tables';
export * from './view-schema';
export * from './view-digest';
export * from './search-words';
export * from './timeline-entry';
export * from './kysely.read-store';
