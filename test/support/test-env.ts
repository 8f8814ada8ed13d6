import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEMPLATE_DATABASE = 'ledger_template';
export const TEST_ENV_FILE = join(tmpdir(), `ledger-test-env-${process.ppid}-${process.pid}.json`);
