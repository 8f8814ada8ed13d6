export * from './databases';
export * from './test-env';
export * from './wait-for';
