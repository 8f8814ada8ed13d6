import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'ledger:metrics:request';
const REPLY = 'ledger:metrics:reply';

interface Message {
  readonly type?: string;
  readonly id?: string;
  readonly text?: string;
  readonly error?: string;
}

/**
 * API_WORKERS > 1: a scrape lands on any one worker, which asks the primary;
 * the primary gathers every worker's registry over IPC (prom-client's
 * AggregatorRegistry: counters summed, gauges per their aggregator).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Message) => {
    if (message?.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: REPLY, id: message.id, text }),
      (error: Error) => worker.send({ type: REPLY, id: message.id, error: error.message }),
    );
  });
}

/** In a worker: this process's registry answers the primary's gathering (the constructor installs the listener). */
export function joinClusterMetrics(registry: Registry): void {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** The whole cluster's metrics text, from a worker. */
export function clusterMetricsText(timeoutMs = 5_000): Promise<string> {
  const id = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error('the primary did not answer with metrics')), timeoutMs);
    const onMessage = (message: Message) => {
      if (message?.type === REPLY && message.id === id) done(message.error ? new Error(message.error) : undefined, message.text);
    };
    const done = (error?: Error, text?: string) => {
      clearTimeout(timer);
      process.off('message', onMessage);
      if (error) reject(error);
      else resolve(text ?? '');
    };
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id });
  });
}
