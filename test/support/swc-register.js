/**
 * `node --require ./test/support/swc-register.js some.ts`: runs TypeScript
 * straight from source (swc, no type check), with the @ledger/* aliases of
 * tsconfig.json. For tests that spawn an app as a child process.
 */
const Module = require('node:module');
const path = require('node:path');
const { addHook } = require('pirates');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const aliases = {
  '@ledger/payments-domain': 'libs/payments-domain/src',
  '@ledger/event-store': 'libs/event-store/src',
  '@ledger/projections': 'libs/projections/src',
  '@ledger/security': 'libs/security/src',
  '@ledger/monitoring': 'libs/monitoring/src',
  '@ledger/platform': 'libs/platform/src',
  '@ledger/provider-webhooks': 'libs/provider-webhooks/src',
  '@ledger/payments-app': 'libs/payments-app/src',
  '@ledger/fraud': 'libs/fraud/src',
  '@ledger/reconciliation': 'libs/reconciliation/src',
  '@ledger/books': 'libs/books/src',
  '@ledger/testing': 'test/support',
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const target = aliases[request];
  return resolve.call(this, target ? path.join(root, target) : request, ...rest);
};

addHook((code, filename) => transformSync(code, { filename, swcrc: false, sourceMaps: 'inline', ...swcOptions() }).code, {
  exts: ['.ts'],
  ignoreNodeModules: true,
});

function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs', ignoreDynamic: true },
  };
}
