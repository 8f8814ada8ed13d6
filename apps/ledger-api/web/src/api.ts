/** Every request carries the key in the Authorization header; the key never goes into a URL. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Response<T> {
  readonly body: T;
  readonly headers: Headers;
}

export class Api {
  constructor(private readonly key: string) {}

  get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<Response<T>> {
    return this.request<T>('GET', withQuery(path, params));
  }

  post<T>(path: string): Promise<Response<T>> {
    return this.request<T>('POST', path, {});
  }

  /** The live feed: a fetch stream, since EventSource cannot send the Authorization header. */
  stream(path: string, signal: AbortSignal): Promise<globalThis.Response> {
    return fetch(path, { headers: { authorization: `Bearer ${this.key}`, accept: 'text/event-stream' }, signal, cache: 'no-store' });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<Response<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    const json = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string } } | undefined;
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'http_error', json?.error?.message ?? `HTTP ${res.status}`);
    return { body: json as T, headers: res.headers };
  }
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) query.set(name, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
