import { boundHeapGrowth } from '@ledger/platform';
import { runCli } from './cli';

// verify and replay walk millions of events: keep the heap near what they hold alive (see heap-flags.ts).
boundHeapGrowth();

// `ledger audit replay | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

void runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  out: process.stdout,
  stderrStream: process.stderr,
}).then((code) => {
  process.exitCode = code;
});
