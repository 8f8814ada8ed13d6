import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Request state travels on the request (its context), never in module-level maps keyed by it: a reader
 * follows a request through the arguments, and nothing outlives or leaks between requests. This finds a
 * module-level (Weak)Map keyed by a request in the apps' and libs' source.
 */
const root = join(__dirname, '..', '..');
const MODULE_LEVEL_REQUEST_MAP =
  /^(?:export\s+)?(?:const|let|var)\s+\w+\s*(?::[^=]+)?=\s*new\s+(?:Weak)?Map\s*<\s*(?:\w+\.)?(?:Request|IncomingMessage|FastifyRequest)\b/;

function findRequestState(source: string): number[] {
  return source.split('\n').flatMap((line, i) => (MODULE_LEVEL_REQUEST_MAP.test(line) ? [i + 1] : []));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'web') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.ts$/.test(name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(name) ? [path] : [];
  });
}

describe('request state', () => {
  it('is found when planted at module level, and not inside a function', () => {
    expect(findRequestState(`import type { Request } from 'express';\nconst keys = new WeakMap<Request, string>();\n`)).toEqual([2]);
    expect(findRequestState(`export const seen: WeakMap<Request, number> = new WeakMap<Request, number>();`)).toEqual([1]);
    expect(findRequestState(`function f() {\n  const local = new Map<Request, string>();\n}\n`)).toEqual([]);
  });

  it('is nowhere in apps/ or libs/ at module level', () => {
    const found = [...sources(join(root, 'apps')), ...sources(join(root, 'libs'))].flatMap((path) =>
      findRequestState(readFileSync(path, 'utf8')).map((line) => `${relative(root, path)}:${line}`),
    );
    expect(found).toEqual([]);
  });
});
