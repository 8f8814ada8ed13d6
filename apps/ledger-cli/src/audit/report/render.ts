import type { PeriodMetrics } from '@ledger/projections';
import type { Finding, Findings, Section, Severity } from './findings';

export interface ReportHeader {
  readonly generatedAt: Date;
  readonly days: number;
  readonly provider?: string;
  readonly eventStore: string;
}

const ICON: Record<Severity, string> = { pass: '✅ pass', warning: '⚠️ warning', violation: '❌ violation', critical: '🛑 critical' };
const SECTIONS: Section[] = ['Configuration', 'PCI', 'Money', 'Webhooks', 'Rate limiting', 'Security headers', 'Read models', 'Health'];
const cellText = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The seed's report shape: summary, metrics, each section's checks, the compliance status line. */
export function renderReport(header: ReportHeader, findings: Findings, metrics: PeriodMetrics | string, verbose: boolean): string {
  const lines = [
    '# Payment System Audit Report',
    `Generated: ${header.generatedAt.toISOString()}`,
    `Period: last ${header.days} days · Provider: ${header.provider ?? 'all'} · Event store: ${header.eventStore}`,
    '',
    '## Summary',
    `- Passed Checks: ${findings.count('pass')}`,
    `- Warnings: ${findings.count('warning')}`,
    `- Violations: ${findings.count('violation')}`,
    `- Critical Issues: ${findings.count('critical')}`,
    '',
    '## Metrics',
    ...renderMetrics(metrics),
  ];
  for (const section of SECTIONS) {
    const list = findings.all.filter((f) => f.section === section);
    if (list.length === 0) continue;
    lines.push('', `## ${section}`, '', '| status | check | detail |', '|---|---|---|');
    for (const f of list) lines.push(`| ${ICON[f.severity]} | ${cellText(f.check)} | ${cellText(f.detail)} |`);
    for (const f of list) lines.push(...renderLocations(f, verbose));
  }
  lines.push('', '## Compliance Status', findings.status(), '');
  return lines.join('\n');
}

function renderLocations(f: Finding, verbose: boolean): string[] {
  if (!f.locations || f.locations.length === 0) return [];
  const shown = verbose ? f.locations : f.locations.slice(0, 10);
  const hidden = f.locations.length - shown.length;
  return ['', `${f.check}:`, ...shown.map((l) => `- ${l}`), ...(hidden > 0 ? [`- … and ${hidden} more (--verbose lists them)`] : [])];
}

function renderMetrics(m: PeriodMetrics | string): string[] {
  if (typeof m === 'string') return [m];
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);
  const out = [
    '',
    '| metric | value |',
    '|---|---|',
    `| payments created | ${m.total} |`,
    `| succeeded | ${m.succeeded} |`,
    `| failed | ${m.failed} |`,
    `| refunded (any refund) | ${m.refunded} |`,
    `| disputed | ${m.disputed} |`,
    `| success rate | ${m.successRate.toFixed(2)}% |`,
    `| failure rate | ${m.failureRate.toFixed(2)}% |`,
    `| refund rate | ${m.refundRate.toFixed(2)}% |`,
    `| processing time, mean / p95 | ${ms(m.averageProcessingTimeMs)} / ${ms(m.p95ProcessingTimeMs)} |`,
  ];
  if (m.volumes.length > 0) {
    out.push(
      '',
      'Volume per currency (minor units; net = succeeded − refunded − dispute losses):',
      '',
      '| currency | total | succeeded | refunded | under dispute | dispute losses | net |',
      '|---|---|---|---|---|---|---|',
    );
    for (const v of m.volumes) {
      out.push(`| ${v.currency} | ${v.total} | ${v.succeeded} | ${v.refunded} | ${v.disputed} | ${v.disputeLosses} | ${v.net} |`);
    }
  }
  if (m.topFailureReasons.length > 0) {
    out.push('', 'Top failure reasons:', '', ...m.topFailureReasons.map((r) => `- ${r.code}: ${r.count}`));
  }
  return out;
}
