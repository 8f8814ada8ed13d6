/** `npm run test:eventstoredb`: the event-store contract suite against a real EventStoreDB (EVENTSTORE_CONNECTION_STRING). */
const base = require('./jest.config.js');
module.exports = {
  ...base,
  globalSetup: undefined,
  globalTeardown: undefined,
  projects: [{ ...base.projects[0], displayName: 'eventstoredb', testPathIgnorePatterns: ['/node_modules/'], testMatch: ['<rootDir>/libs/event-store/**/eventstoredb.contract.int-spec.ts'] }],
};
