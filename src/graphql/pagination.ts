/** Relay paging for the schema's connections: the domain's pages (src/domain/paging.ts), served as they are. */
export * from '../domain/paging';
