import { Client } from 'pg';
import { ConfigError } from './config';

const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/**
 * The apps' start-up check of DATABASE_URL: one connection and `SELECT 1`. A failure is a ConfigError
 * naming the variable, the address (never the password) and the reason, e.g.
 * `DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)`, instead of a driver's stack.
 */
export async function checkDatabaseUrl(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new ConfigError(databaseProblem(url, error, timeoutMs));
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The one line for a connection to `url` that failed with `error`. */
export function databaseProblem(url: string, error: unknown, timeoutMs = 5_000): string {
  const target = addressOf(url);
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = (typeof e.message === 'string' ? e.message : String(error)).split('\n', 1)[0].trim();
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `DATABASE_URL: cannot resolve the host "${target.host}" (${code})`;
  if (code && SOCKET_CODES.has(code)) return `DATABASE_URL: cannot connect to ${target.hostPort} (${code})`;
  if (/timeout/i.test(message)) return `DATABASE_URL: cannot connect to ${target.hostPort} (no answer within ${timeoutMs / 1000} s)`;
  if (code === '28P01' || code === '28000')
    return `DATABASE_URL: cannot log in to ${target.hostPort} as "${target.user}" (${code}: ${message})`;
  if (code === '3D000') return `DATABASE_URL: the database "${target.database}" does not exist on ${target.hostPort} (3D000)`;
  return `DATABASE_URL: cannot use ${target.hostPort}/${target.database} (${code ? `${code}: ` : ''}${message || 'connection failed'})`;
}

function addressOf(url: string): { host: string; hostPort: string; database: string; user: string } {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    return {
      host,
      hostPort: `${host}:${u.port || 5432}`,
      database: decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || 'postgres',
      user: decodeURIComponent(u.username) || 'postgres',
    };
  } catch {
    return { host: '?', hostPort: '(not a URL)', database: '?', user: '?' };
  }
}
