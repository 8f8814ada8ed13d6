export const PG_POOL = Symbol('PG_POOL');
export const REDIS_URL = Symbol('REDIS_URL');
