export * from './command-runner';
export * from './deterministic-uuid';
export * from './event-ids';
export * from './personal-fields';
export * from './forget-customer';
export * from './command-journal';
