import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * One owner per table (ARCHITECTURE.md: "read models and process-manager state live in tables owned by one lib
 * each; another lib asks the owner through a function, never by naming its tables"). A key is `schema.name`
 * (a table or function of the migrations) or `schema.*` (the whole schema); the value, the folder whose code
 * may name it in SQL. Every object the migrations create must have exactly one owner here.
 */
export const OWNERS: Readonly<Record<string, string>> = {
  'event_store.*': 'libs/event-store',
  'ledger.idempotency_keys': 'libs/event-store',
  // One call appends the events and completes the idempotency record (migration 1764002000000).
  'ledger.append_and_record': 'libs/event-store',
  // Coalesced commands: many appends and their answers in one call (migration 1764003300000, issue 33).
  'ledger.append_and_record_batch': 'libs/event-store',
  'read_models.*': 'libs/projections',
  'monitoring.*': 'libs/monitoring',
  'books.*': 'libs/books',
  'ledger.api_keys': 'libs/security',
  'ledger.announce_api_key_change': 'libs/security',
  'ledger.data_keys': 'libs/security',
  'ledger.encryption_epoch': 'libs/security',
  'ledger.provider_references': 'libs/provider-webhooks',
  'ledger.webhook_deliveries': 'libs/provider-webhooks',
  'fraud.*': 'libs/fraud',
  // Settlement reconciliation (issue 32): read models in read_models, written by libs/reconciliation's projection alone.
  'read_models.reconciliation_facts': 'libs/reconciliation',
  'read_models.reconciliation_payments': 'libs/reconciliation',
  'read_models.reconciliation_payouts': 'libs/reconciliation',
  'read_models.reconciliation_lines': 'libs/reconciliation',
  'read_models.reconciliation_breaks': 'libs/reconciliation',
  'read_models.reconciliation_unheld': 'libs/reconciliation',
};

/**
 * Files that name another owner's table today, each with the tables it may name and why. Not scanned at all:
 * migrations/ (they create every table), tests (`*.spec.ts`, `*.int-spec.ts`, `*.e2e-spec.ts`, `test/`, `testing/`
 * folders) and apps/ledger-cli/src/audit/verify, the independent auditor, which reads the stored events and the
 * read models by its own SQL on purpose (README › `ledger audit verify` trusts nothing it checks).
 */
export const EXEMPTIONS: readonly { readonly file: string; readonly names: readonly string[]; readonly why: string }[] = [
  {
    file: 'apps/ledger-cli/src/audit/report/encryption-check.ts',
    names: ['event_store.events'],
    why: 'the audit report judges the stored bytes by its own SQL, as verify does; libs/event-store offers no such read',
  },
];

const NOT_SCANNED = [/\.(spec|int-spec|e2e-spec)\.ts$/, /\/testing\//, /^apps\/ledger-cli\/src\/audit\/verify\//, /^apps\/[^/]+\/web\//];

export interface SqlObject {
  readonly schema: string;
  readonly name: string;
  readonly kind: 'table' | 'function' | 'view';
}

export interface Source {
  /** Relative to the repository root, with forward slashes. */
  readonly path: string;
  readonly text: string;
}

export interface Violation {
  readonly path: string;
  readonly line: number;
  /** `schema.name` as resolved (for `${schema}.payments`: every object of that name). */
  readonly names: readonly string[];
  readonly owners: readonly string[];
}

const IDENT = '[a-z_][a-z0-9_]*';

/** Every table, view and function the migrations create, read from their SQL strings. */
export function objectsOfMigrations(migrations: readonly Source[]): SqlObject[] {
  const found = new Map<string, SqlObject>();
  const create = new RegExp(
    `CREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:UNLOGGED\\s+)?(TABLE|VIEW|MATERIALIZED\\s+VIEW|FUNCTION)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(${IDENT})\\.(${IDENT})`,
    'g',
  );
  // A function body kept in a file of its own (append-events.sql.ts) starts with its qualified signature.
  const signature = new RegExp(`^\\s*(${IDENT})\\.(${IDENT})\\(p_`);
  for (const { path, text } of migrations) {
    for (const literal of stringsOf(path, text)) {
      for (const m of literal.text.matchAll(create)) {
        const kind = m[1].startsWith('FUNCTION') ? 'function' : m[1].endsWith('VIEW') ? 'view' : 'table';
        found.set(`${m[2]}.${m[3]}`, { schema: m[2], name: m[3], kind });
      }
      const s = signature.exec(literal.text);
      if (s) found.set(`${s[1]}.${s[2]}`, { schema: s[1], name: s[2], kind: 'function' });
    }
  }
  return [...found.values()];
}

/** The owner entry of `schema.name`: its own, else its schema's. */
export function ownerOf(schema: string, name: string): string | undefined {
  return OWNERS[`${schema}.${name}`] ?? OWNERS[`${schema}.*`];
}

/** The SQL of apps/ and libs/ that names a table (or function) outside the folder that owns it. */
export function findViolations(sources: readonly Source[], objects: readonly SqlObject[], exemptions = EXEMPTIONS): Violation[] {
  const schemas = new Set(objects.map((o) => o.schema));
  const known = new Set(objects.map((o) => `${o.schema}.${o.name}`));
  const tablesByName = new Map<string, string[]>();
  for (const o of objects)
    if (o.kind !== 'function') tablesByName.set(o.name, [...(tablesByName.get(o.name) ?? []), `${o.schema}.${o.name}`]);
  const qualified = new RegExp(`(?<![\\w.$])"?(${IDENT})"?\\s*\\.\\s*"?(${IDENT})"?`, 'g');
  // `${schema}.payments`, `"${schema}".health_windows`: the schema is a variable, the table a known name.
  const interpolated = new RegExp(`\\$\\{\\}"?\\s*\\.\\s*"?(${IDENT})"?`, 'g');

  const violations: Violation[] = [];
  for (const source of sources) {
    if (NOT_SCANNED.some((re) => re.test(source.path))) continue;
    const exempt = new Set(exemptions.filter((e) => e.file === source.path).flatMap((e) => e.names));
    const owns = (owner: string | undefined) => owner !== undefined && (source.path === owner || source.path.startsWith(`${owner}/`));
    for (const literal of stringsOf(source.path, source.text)) {
      const isSql = SQL_STATEMENT.test(literal.text);
      const isName = new RegExp(`^"?${IDENT}"?\\."?${IDENT}"?$`).test(literal.text.trim());
      const report = (index: number, names: string[]) => {
        const owners = [...new Set(names.map((n) => ownerOf(...(n.split('.') as [string, string])) as string))];
        if (names.every((n) => exempt.has(n)) || owners.some(owns)) return;
        violations.push({ path: source.path, line: literal.line + lineOffset(literal.text, index), names, owners });
      };
      for (const m of literal.text.matchAll(qualified)) {
        const [schema, name] = [m[1], m[2]];
        if (!schemas.has(schema)) continue;
        if (!isSql && !isName && !SQL_CLAUSE.test(literal.text.slice(0, m.index))) continue;
        if (!known.has(`${schema}.${name}`) && !OWNERS[`${schema}.*`]) continue;
        report(m.index, [`${schema}.${name}`]);
      }
      for (const m of literal.text.matchAll(interpolated)) {
        const names = tablesByName.get(m[1]);
        if (names && (isSql || SQL_CLAUSE.test(literal.text.slice(0, m.index)))) report(m.index, names);
      }
    }
  }
  return violations;
}

/**
 * SQL as this codebase writes it, with upper-case keywords: a string that starts with a statement, or a name right
 * after a clause keyword in a fragment (`FROM read_models.payments WHERE ${scope}`). Prose that mentions a table
 * (an error message, a command's help) is neither.
 */
const SQL_STATEMENT =
  /^[\s(]*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP|TRUNCATE|LOCK|COPY|COMMENT|DECLARE|GRANT|REVOKE|CALL|VACUUM|ANALYZE)\b/;
const SQL_CLAUSE = /\b(FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE|regclass\(')\s*$/;

const lineOffset = (text: string, index: number) => text.slice(0, index).split('\n').length - 1;

interface Literal {
  /** The string's text; each `${…}` of a template is `${}`. */
  readonly text: string;
  /** 1-based line of its first character. */
  readonly line: number;
}

/** Every string and template literal of a TypeScript file (comments are not strings, so they never count). */
function stringsOf(path: string, text: string): Literal[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Literal[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push({ text: node.text, line: lineOf(node) });
    else if (ts.isTemplateExpression(node)) {
      out.push({ text: [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('${}'), line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Every .ts file under `folders` of `root`, relative paths with forward slashes. */
export function sourcesUnder(root: string, folders: readonly string[]): Source[] {
  const out: Source[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
        out.push({ path: relative(root, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  for (const folder of folders) walk(join(root, folder));
  return out;
}
