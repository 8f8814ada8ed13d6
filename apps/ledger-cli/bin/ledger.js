#!/usr/bin/env node
// Runs the built CLI; builds the project first when it has not been built yet.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { execSync } = require('node:child_process');

const root = join(__dirname, '..', '..', '..');
const entry = join(root, 'dist', 'apps', 'ledger-cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('ledger: building the project first (npm run build)…\n');
  execSync('npm run -s build', { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}
require(entry);
