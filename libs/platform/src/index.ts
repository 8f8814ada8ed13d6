export * from './config/config';
export * from './config/parsers';
export * from './embedded/embedded-postgres';
export * from './embedded/redis-server';
export * from './embedded/ports';
export * from './database/database';
export * from './infrastructure';
