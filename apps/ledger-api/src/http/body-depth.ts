/** No body we accept nests deeper than this; deeper ones would only exercise recursive scanners' stacks. */
export const MAX_BODY_DEPTH = 32;

/** Iterative on purpose: the input may be nested deeper than the call stack allows. */
export function exceedsDepth(value: unknown, limit = MAX_BODY_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}
