import ts from 'typescript';
import type { Source } from './table-owners';

/**
 * Where a test waits for a fixed time. A sleep followed by an assertion that nothing happened passes whenever the
 * system is merely slow: the test must first wait for what proves progress (a checkpoint past the position, a
 * count reached), then assert. Polling (a short delay between probes, inside a loop) is how that wait is written
 * and is not a sleep here.
 */
export interface Sleep {
  readonly path: string;
  /** 1-based line of the delay. */
  readonly line: number;
  /** Inside a loop: a delay between probes (or paced traffic), not a fixed wait. */
  readonly polling: boolean;
  /** The first assertion within NEGATIVE_WITHIN lines after it that says something did not happen, if any. */
  readonly negative?: string;
}

/**
 * Fixed waits left on purpose, each with why. Time itself is what they test, or they sit in code another change
 * owns right now; a file listed here may hold no other sleep than the ones counted.
 */
export const SLEEPS_ALLOWED: readonly { readonly file: string; readonly count: number; readonly why: string }[] = [
  {
    file: 'test/e2e/cli/replay.e2e-spec.ts',
    count: 1,
    why: 'a slow reader (each write acknowledged 5 ms later) is what the replay’s backpressure is tested against',
  },
];

/** How far after a sleep an assertion counts as the sleep's. */
const NEGATIVE_WITHIN = 6;

const NEGATIVE = [
  /\.not\./,
  /\.toHaveLength\(0\)/,
  /\.toBe\((0|0n|false|null|undefined)\)/,
  /\.toEqual\(\[\]\)/,
  /\.toBe(Undefined|Null|Falsy)\(\)/,
  /\.(toEqual|toBe|toStrictEqual)\((before|previous|earlier)\b/,
];

const SLEEP_HELPERS = /^(sleep|delay|pause|wait)$/i;

/** Every fixed delay in the TypeScript of `source`: `setTimeout(resolve, ms)` on a resolver or callback parameter, or `await sleep(ms)`. */
export function sleepsIn(source: Source): Sleep[] {
  const file = ts.createSourceFile(source.path, source.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const lines = source.text.split('\n');
  const timersPromises = new Set<string>();
  const out: Sleep[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      /^(node:)?timers\/promises$/.test(node.moduleSpecifier.text)
    ) {
      const bindings = node.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const b of bindings.elements) timersPromises.add(b.name.text);
    }
    if (ts.isCallExpression(node) && isDelay(node, timersPromises)) {
      const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
      const after = lines.slice(line, line + NEGATIVE_WITHIN).find((l) => /\bexpect\(/.test(l) && NEGATIVE.some((re) => re.test(l)));
      out.push({ path: source.path, line, polling: inLoop(node), ...(after ? { negative: after.trim() } : {}) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

function isDelay(call: ts.CallExpression, timersPromises: ReadonlySet<string>): boolean {
  const callee = call.expression;
  if (!ts.isIdentifier(callee)) return false;
  if (timersPromises.has(callee.text) || SLEEP_HELPERS.test(callee.text)) return ts.isAwaitExpression(call.parent);
  if (callee.text !== 'setTimeout' || call.arguments.length < 2) return false;
  const [resume] = call.arguments;
  return ts.isIdentifier(resume) && isParameterOfEnclosingFunction(call, resume.text);
}

/** `(r) => setTimeout(r, ms)`, `write(chunk, enc, done) { setTimeout(done, 5) }`: what is resumed is handed in. */
function isParameterOfEnclosingFunction(node: ts.Node, name: string): boolean {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isFunctionLike(at)) return at.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name);
  }
  return false;
}

/**
 * In a loop that waits for something (the delay's own Promise executor does not end the search): a loop with a
 * way out in its body, or whose condition reads more than a counter. A counted loop (`for (let round = 0;
 * round < 10; round++)`) or a walk over items that sleeps each time is a fixed wait repeated, not a poll.
 */
function inLoop(node: ts.Node): boolean {
  let crossedFunctions = 0;
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) {
    if (ts.isIterationStatement(at, false)) return isPolling(at);
    if (ts.isFunctionLike(at) && ++crossedFunctions > 1) return false;
  }
  return false;
}

function isPolling(loop: ts.IterationStatement): boolean {
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) return false;
  if (exits(loop.statement)) return true;
  const condition = ts.isForStatement(loop)
    ? loop.condition
    : ts.isWhileStatement(loop) || ts.isDoStatement(loop)
      ? loop.expression
      : undefined;
  if (!condition) return false;
  const counted =
    ts.isBinaryExpression(condition) &&
    [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken].includes(condition.operatorToken.kind) &&
    ts.isIdentifier(condition.left) &&
    (ts.isNumericLiteral(condition.right) || ts.isIdentifier(condition.right));
  return !counted;
}

/** A return, break or throw of this loop's own body (not of a function inside it). */
function exits(body: ts.Node): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node)) return;
    if (ts.isReturnStatement(node) || ts.isBreakStatement(node) || ts.isThrowStatement(node)) found = true;
    else ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

/** The files of the suites: Jest's specs wherever they are, and what test/ holds for them (not the benchmarks or the chaos runs). */
export function isSuiteFile(path: string): boolean {
  if (/\.(spec|int-spec|e2e-spec)\.ts$/.test(path)) return true;
  if (/^(apps|libs)\/[^/]+\/src\/(.*\/)?testing\//.test(path)) return true;
  return path.startsWith('test/') && !/^test\/(bench|chaos)\//.test(path);
}
