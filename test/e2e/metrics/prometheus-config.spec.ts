import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, promtool } from './support/processes';

/** The Prometheus configuration as shipped, checked by Prometheus's own tool (Debian's prometheus package). */
describe('docker/prometheus as shipped', () => {
  it('passes `promtool check config`, which also loads the alerting rules it names', () => {
    const check = promtool(['check', 'config', join(ROOT, 'docker/prometheus/prometheus.yml')]);
    expect(check).toEqual({ status: 0, output: expect.stringContaining('SUCCESS: 1 rule files found') });
    expect(check.output).toMatch(/Checking .*alerts\.yml\s+SUCCESS: \d+ rules found/);
  });

  it('still does where the compose file mounts both files (/etc/prometheus/ in the container: any one directory)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-prometheus-'));
    for (const file of ['prometheus.yml', 'alerts.yml']) copyFileSync(join(ROOT, 'docker/prometheus', file), join(dir, file));
    expect(promtool(['check', 'config', join(dir, 'prometheus.yml')]).status).toBe(0);
  });

  it('passes `promtool check rules` on the alerting rules', () => {
    expect(promtool(['check', 'rules', join(ROOT, 'docker/prometheus/alerts.yml')])).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });
});
