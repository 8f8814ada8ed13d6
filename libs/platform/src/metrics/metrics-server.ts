import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, type Registry } from 'prom-client';

export interface MetricsServer {
  readonly port: number | null;
  close(): Promise<void>;
}

/**
 * GET /metrics of a worker process (projector, alert-worker) on its own port.
 * Port 0 turns it off. A port already taken (a second instance on the same
 * host) is not an error: one log line, and the process runs without metrics.
 */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host: string,
  log: (message: string, fields?: Record<string, unknown>) => void,
): Promise<MetricsServer> {
  if (port === 0) return { port: null, close: async () => undefined };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${error.message}\n`),
    );
  });
  const listening = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen(port, host, () => resolve(true));
  });
  if (!listening) {
    log('metrics port taken; running without metrics (set another port for this instance)', { port, host });
    return { port: null, close: async () => undefined };
  }
  log('metrics listening', { port, host, path: '/metrics' });
  return { port, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** prom-client's gauges that end in _total, which `promtool check metrics` rejects as misnamed. */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** prom-client's process metrics (CPU, memory, event loop, GC), less the three that fail promtool's lint. */
export function collectProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
}
