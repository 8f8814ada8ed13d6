import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { finalize, type Observable } from 'rxjs';

/**
 * Counts handlers still running. A client that hangs up closes its socket but
 * not our handler, so shutdown waits on this count, not on the HTTP server alone.
 */
@Injectable()
export class InFlightInterceptor implements NestInterceptor {
  private running = 0;

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.running++;
    return next.handle().pipe(finalize(() => this.running--));
  }

  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
