export type Severity = 'pass' | 'warning' | 'violation' | 'critical';

export type Section = 'Configuration' | 'PCI' | 'Money' | 'Webhooks' | 'Rate limiting' | 'Security headers' | 'Read models' | 'Health';

export interface Finding {
  readonly section: Section;
  readonly check: string;
  readonly severity: Severity;
  readonly detail: string;
  /** Where (event ids, file:line); never the card data itself. */
  readonly locations?: readonly string[];
}

/** Collects every check's outcome; the worst one decides the exit code (0 passed, 1 violations, 2 critical). */
export class Findings {
  readonly all: Finding[] = [];

  add(section: Section, check: string, severity: Severity, detail: string, locations?: readonly string[]): void {
    this.all.push({ section, check, severity, detail, locations });
  }

  count(severity: Severity): number {
    return this.all.filter((f) => f.severity === severity).length;
  }

  exitCode(): 0 | 1 | 2 {
    if (this.count('critical') > 0) return 2;
    return this.count('violation') > 0 ? 1 : 0;
  }

  status(): string {
    if (this.count('critical') > 0) return '🛑 NON-COMPLIANT: critical issues (exit 2)';
    if (this.count('violation') > 0) return '❌ NON-COMPLIANT: violations (exit 1)';
    if (this.count('warning') > 0) return '✅ COMPLIANT, with warnings (exit 0)';
    return '✅ COMPLIANT (exit 0)';
  }
}
