/** `npm run test:eventstoredb` (jest -c jest.eventstoredb.config.js): the event-store contract suite against a live EventStoreDB. */
if (!process.env.EVENTSTORE_CONNECTION_STRING) {
  console.error('EVENTSTORE_CONNECTION_STRING is not set: point it at a running EventStoreDB, e.g. EVENTSTORE_CONNECTION_STRING="esdb://localhost:2113?tls=false" npm run test:eventstoredb');
  process.exit(1);
}
const base = require('./jest.config.js');
const { globalSetup, globalTeardown, projects, ...rest } = base;
module.exports = {
  ...rest,
  projects: [
    {
      ...projects[0],
      displayName: 'eventstoredb',
      testMatch: ['<rootDir>/libs/event-store/src/eventstoredb/eventstoredb.contract.int-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    },
  ],
};
