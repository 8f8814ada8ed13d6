import { holdDataDir } from '../../../../libs/platform/src/embedded/data-dir-lock';

/**
 * Holds a data dir the way `npm start` does (holdDataDir), in a process of its own: argv is the data dir and
 * the owner. Prints one line once it holds it; releases it and exits on SIGTERM or when the test process goes.
 */
const [dataDir, owner = 'npm start'] = process.argv.slice(2);
const hold = holdDataDir(dataDir, owner);
process.stdout.write('held\n');
const keepAlive = setInterval(() => undefined, 60_000);
const stop = () => {
  clearInterval(keepAlive);
  hold.release();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('disconnect', stop);
