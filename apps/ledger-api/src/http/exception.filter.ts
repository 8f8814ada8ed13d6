import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ReplayedResponse } from '../idempotency/replayed-response';
import { toApiError } from './error-mapping';
import { loggableError } from './loggable-error';

/** Global: every error, also from middleware, body parsing and unknown routes, leaves as the contract's JSON. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

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
      const route = (req.route as { path?: unknown } | undefined)?.path;
      this.logger.error(
        { error: loggableError(exception), method: req.method, route: typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched' },
        'request failed',
      );
    }
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
    res.status(apiError.status).json(apiError.toBody());
  }
}
