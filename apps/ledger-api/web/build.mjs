// Bundles the dashboard page into dist/dashboard (served by ledger-api at GET /dashboard).
// Everything the page needs is in the bundle: no CDN, nothing fetched at run time but the API.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const outdir = join(here, '..', '..', '..', 'dist', 'dashboard');

export async function buildDashboard({ quiet = false } = {}) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { app: join(here, 'src', 'main.ts') },
    bundle: true,
    minify: true,
    sourcemap: true,
    format: 'esm',
    target: ['es2022'],
    outdir,
    logLevel: quiet ? 'error' : 'info',
  });
  copyFileSync(join(here, 'index.html'), join(outdir, 'index.html'));
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildDashboard();
