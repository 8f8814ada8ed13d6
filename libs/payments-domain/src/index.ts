export * from './commands';
export * from './errors';
export * from './events';
export * from './money';
export * from './payment';
export * from './upcasting';
export * from './refund-ledger';
export type { DisputeEntry } from './disputes';
