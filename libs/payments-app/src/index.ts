export * from './command-runner';
export * from './deterministic-uuid';
export * from './event-ids';
