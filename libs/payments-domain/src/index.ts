export * from './commands';
export * from './errors';
export * from './events';
export * from './money';
export * from './payment';
export * from './upcasting';
