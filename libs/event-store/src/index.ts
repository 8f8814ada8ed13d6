export * from './event-store';
export * from './errors';
export * from './position';
export * from './postgres/postgres-event-store';
export * from './subscription-iterator';
export * from './create-event-store';
export * from './eventstoredb/eventstoredb-event-store';
export * from './event-view';
