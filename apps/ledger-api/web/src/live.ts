import type { Api } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveFeed {
  stop(): void;
}

/**
 * Reads GET /v1/dashboard/stream as server-sent events over fetch and calls
 * onChange on every `change` (and on each (re)connect, to catch up on what was
 * missed). Reconnects by itself with a capped backoff; a refused key stops it.
 */
export function followLive(api: Api, onChange: () => void, onState: (state: LiveState) => void, onRefused: () => void): LiveFeed {
  const controller = new AbortController();
  let delay = 500;
  const loop = async () => {
    while (!controller.signal.aborted) {
      try {
        const res = await api.stream('/v1/dashboard/stream', controller.signal);
        if (res.status === 401 || res.status === 403) return onRefused();
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        await readEvents(res.body, (event) => {
          if (event === 'ready') {
            delay = 500;
            onState('live');
          }
          onChange();
        });
      } catch {
        if (controller.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 8_000);
    }
  };
  onState('connecting');
  void loop();
  return { stop: () => controller.abort() };
}

/** The event-stream format: blocks separated by a blank line; `event:` names it, `:` lines are keep-alives. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: (event: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = block
        .split('\n')
        .find((line) => line.startsWith('event: '))
        ?.slice(7);
      if (name) onEvent(name);
    }
  }
}
