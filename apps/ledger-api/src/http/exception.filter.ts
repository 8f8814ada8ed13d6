import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { RepeatCollapser, type RepeatCollapserOptions } from '@ledger/security';
import { ReplayedResponse } from '../idempotency/replayed-response';
import { toApiError } from './error-mapping';
import { loggableError } from './loggable-error';

/**
 * Global: every error, also from middleware, body parsing and unknown routes, leaves as the contract's JSON.
 * A 5xx is logged, but a flood of the same failure (every request while the database is down) is one line in
 * full, then one `N more like this` line per interval with the routes it hit (RepeatCollapser): an outage
 * reads as an outage, not as thousands of stack traces. A 503 (a dependency away, the client retries) is a
 * warning; any other 5xx an error.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly repeats: RepeatCollapser;

  constructor(
    private readonly logger: Logger,
    repeats: RepeatCollapserOptions = {},
  ) {
    this.repeats = new RepeatCollapser(logger, repeats);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    if (exception instanceof ReplayedResponse) {
      if (!res.headersSent) res.status(exception.status).type('application/json').send(exception.body);
      return;
    }
    const apiError = toApiError(exception);
    if (apiError.status >= 500) {
      // Never the raw error (a driver's quotes the data) nor the raw path (it may hold what the guard refuses).
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
      const error = loggableError(exception);
      const brief = { status: apiError.status, code: apiError.code, error: { type: error.type, code: error.code } };
      const key = `${apiError.status}|${apiError.code}|${error.type}|${error.code ?? ''}`;
      this.repeats.log(
        apiError.status === 503 ? 'warn' : 'error',
        key,
        'request failed',
        { ...brief, error, method: req.method, route },
        brief,
        route,
      );
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.status(apiError.status).json(apiError.toBody());
  }

  /** Shutdown: the pending counts are written. */
  flush(): void {
    this.repeats.flush();
  }
}
