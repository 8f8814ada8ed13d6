export * from './databases';
export * from './test-env';
