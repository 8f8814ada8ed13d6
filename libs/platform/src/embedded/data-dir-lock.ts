import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isAlive } from './ports';

const LOCK_FILE = 'holder.json';

export interface DataDirHolder {
  readonly pid: number;
  /** Who holds it, e.g. `npm start` or `ledger projections status`. */
  readonly owner: string;
  readonly since: string;
}

export class DataDirHeldError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(`${dataDir} is held by ${holder.owner} (pid ${holder.pid}, since ${holder.since})`);
  }
}

/** The live process that holds the data dir's embedded services, if any; a holder that died is no holder. */
export function dataDirHolder(dataDir: string): DataDirHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(resolve(dataDir), LOCK_FILE), 'utf8')) as DataDirHolder;
    return Number.isInteger(holder.pid) && isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims the data dir for this process: whoever starts the embedded services
 * under it (npm start, or a CLI command when nothing else runs) holds it while
 * they run, so nobody else starts or stops them underneath. Written with `wx`,
 * so of two claimants one wins; a dead holder's file is taken over.
 */
export function holdDataDir(dataDir: string, owner: string): { release(): void } {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  const mine: DataDirHolder = { pid: process.pid, owner, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      const release = () => {
        if (dataDirHolder(dir)?.pid === process.pid) rmSync(path, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = dataDirHolder(dir);
      if (holder) throw new DataDirHeldError(dir, holder);
      rmSync(path, { force: true }); // its holder died without releasing it
    }
  }
  throw new Error(`could not claim ${dir}`);
}
