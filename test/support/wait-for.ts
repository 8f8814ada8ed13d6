/**
 * Polls `probe` until it answers something truthy, and returns it; fails naming `what` after `timeoutMs`.
 * The way a test waits: for a condition that proves progress (a checkpoint past a position, a count reached),
 * never for a fixed time. A test that asserts something did not happen first waits for what proves it had
 * every chance to, so a slow system fails loudly instead of passing.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
