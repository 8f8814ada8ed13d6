import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, stop, until } from './processes';

export interface PrometheusServer {
  readonly url: string;
  /** The value of an instant query with one series (undefined when it has none). */
  value(query: string): Promise<number | undefined>;
  close(): Promise<void>;
}

/** A real Prometheus (Debian's package) scraping the given targets every second, with docker/prometheus/alerts.yml loaded. */
export async function startPrometheus(port: number, targets: Record<string, string>): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-prom-'));
  const jobs = Object.entries(targets)
    .map(([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ["${target}"]\n`)
    .join('');
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${join(ROOT, 'docker/prometheus/alerts.yml')}\nscrape_configs:\n${jobs}`,
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  await until(() => fetch(`${url}/-/ready`).then((r) => r.ok), 'prometheus to be ready');
  return {
    url,
    value: async (query) => {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await res.json()) as { status: string; error?: string; data: { result: { value: [number, string] }[] } };
      if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
      const [first] = body.data.result;
      return first ? Number(first.value[1]) : undefined;
    },
    close: async () => {
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
