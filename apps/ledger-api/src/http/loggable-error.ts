/**
 * What of an unexpected error may be logged. Database drivers put the data
 * into their errors: `detail` and `where` quote rows and values, TypeORM adds
 * the query text and its parameters, and a message such as `invalid input
 * syntax for type integer: "…"` quotes the input. Of a driver error we keep
 * only what names code and schema (SQLSTATE, routine, table, column,
 * constraint); of any other error its name, message and stack.
 */
export interface LoggableError {
  readonly type: string;
  readonly message?: string;
  readonly code?: string;
  readonly routine?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
  readonly stack?: string;
  readonly cause?: LoggableError;
}

const SCHEMA_FIELDS = ['routine', 'table', 'column', 'constraint'] as const;

export function loggableError(error: unknown, depth = 0): LoggableError {
  if (!(error instanceof Error)) return { type: typeof error };
  const e = error as Error & Record<string, unknown>;
  const driverError = e.driverError instanceof Error ? (e.driverError as Error & Record<string, unknown>) : undefined;
  const fromDriver = driverError !== undefined || isDriverError(e);
  const source = driverError ?? e;
  const out: Record<string, unknown> = { type: error.name };
  if (typeof source.code === 'string') out.code = source.code;
  if (!fromDriver) {
    out.message = error.message;
    out.stack = error.stack;
  } else {
    for (const field of SCHEMA_FIELDS) if (typeof source[field] === 'string') out[field] = source[field];
    // The frames say where it failed; the first line of the stack is the message, so it goes.
    out.stack = error.stack?.split('\n').slice(1).join('\n');
  }
  if (e.cause !== undefined && depth < 3) out.cause = loggableError(e.cause, depth + 1);
  return out as unknown as LoggableError;
}

/** pg's DatabaseError (and anything shaped like it): a five-character SQLSTATE beside the fields that quote data. */
function isDriverError(e: Record<string, unknown>): boolean {
  const sqlState = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code);
  return sqlState || 'detail' in e || 'where' in e || 'query' in e || 'parameters' in e;
}
