import { firstLine } from '../context';
import type { Findings } from './findings';

/** Probes the running API's unauthenticated liveness route and checks its security headers. */
export async function probeSecurityHeaders(apiUrl: string | undefined, forceHttps: boolean, findings: Findings): Promise<void> {
  if (!apiUrl) {
    findings.add('Security headers', 'HTTP headers', 'warning', 'not checked: pass --api-url to probe the running API');
    return;
  }
  let headers: Headers;
  try {
    const response = await fetch(new URL('/health/live', apiUrl), { signal: AbortSignal.timeout(5_000), redirect: 'manual' });
    headers = response.headers;
  } catch (error) {
    findings.add(
      'Security headers',
      'API reachable',
      'critical',
      `could not probe ${apiUrl}: ${firstLine((error as Error).cause ?? error)}`,
    );
    return;
  }
  const expect = (name: string, ok: (v: string) => boolean, want: string, severity: 'violation' | 'warning') => {
    const value = headers.get(name);
    if (value !== null && ok(value)) findings.add('Security headers', name, 'pass', value);
    else findings.add('Security headers', name, severity, value === null ? `missing (want ${want})` : `${value} (want ${want})`);
  };
  expect('X-Content-Type-Options', (v) => v.toLowerCase() === 'nosniff', 'nosniff', 'violation');
  expect('X-Frame-Options', (v) => /^(deny|sameorigin)$/i.test(v), 'DENY', 'violation');
  if (forceHttps || apiUrl.startsWith('https:')) {
    expect('Strict-Transport-Security', (v) => Number(/max-age=(\d+)/.exec(v)?.[1] ?? 0) >= 15_552_000, 'max-age ≥ 180 days', 'violation');
  }
  expect('Content-Security-Policy', (v) => v.length > 0, 'a policy', 'warning');
  expect('Referrer-Policy', (v) => v.length > 0, 'e.g. no-referrer', 'warning');
  if (headers.get('X-Powered-By')) findings.add('Security headers', 'X-Powered-By', 'warning', 'present: reveals the server framework');
  else findings.add('Security headers', 'X-Powered-By', 'pass', 'absent');
}
