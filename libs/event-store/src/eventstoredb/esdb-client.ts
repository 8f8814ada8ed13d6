import type * as Client from '@eventstore/db-client';

let client: typeof Client | undefined;

/**
 * `@eventstore/db-client`, loaded at its first use: with it come gRPC, protobuf and OpenTelemetry (some 200
 * modules, 12 MB of the API's RSS together with TypeORM's), which a process on the PostgreSQL store never needs,
 * although every app imports this lib.
 */
export function esdb(): typeof Client {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (client ??= require('@eventstore/db-client') as typeof Client);
}
