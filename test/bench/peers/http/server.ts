import 'reflect-metadata';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import {
  BadRequestException,
  Body,
  Controller,
  Injectable,
  Module,
  Post,
  UnprocessableEntityException,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyHelmet from '@fastify/helmet';
import helmet from 'helmet';
import { map, type Observable } from 'rxjs';
import { containsPan, findControlCharacters, scanForCardData } from '@ledger/security';
import { COPIED_HEADERS, decodedPath, isFreeTextField } from '../../../../apps/ledger-api/src/http/inputs';
import { exceedsDepth } from '../../../../apps/ledger-api/src/http/body-depth';
import { createPaymentBody } from '../../../../apps/ledger-api/src/payments/schemas';

/**
 * One side of `npm run bench:http`: `server.ts express|fastify <port>`. The same Nest pipeline as the
 * ledger-api's command path on either adapter, without the database and Redis behind it: helmet with the
 * ledger's options, a 64 KB JSON limit, the raw body kept (webhook signatures need it), the ledger's own
 * card-data and control-character checks over body, query, decoded path and copied headers, a bearer
 * guard, an interceptor, the ledger's zod schema for `POST /v1/payments`, and routes matched regardless of
 * case and trailing slash. Only the framework differs, so the difference in requests/s is the framework's.
 */
const [framework, port] = [process.argv[2], Number(process.argv[3])];
const TOKEN = Buffer.from('bench-http-token');
const HELMET = {
  frameguard: { action: 'deny' as const },
  hsts: false,
  contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", "'unsafe-inline'"] } },
};

/** What the ledger's pciGuardMiddleware and inputHygieneMiddleware check, given what either framework offers. */
function refusal(body: unknown, query: object, path: string, header: (name: string) => string | undefined): string | undefined {
  if (exceedsDepth(body)) return 'body nests too deep';
  const decoded = decodedPath(path);
  const card = [
    ...scanForCardData(body),
    ...scanForCardData({ ...query }, 'query'),
    ...(containsPan(decoded) ? ['path'] : []),
    ...COPIED_HEADERS.filter((name) => containsPan(header(name) ?? '')),
  ];
  if (card.length > 0) return `card data in ${card.join(', ')}`;
  const control = [...findControlCharacters(body, isFreeTextField), ...findControlCharacters({ ...query }, () => false, 'query')];
  return control.length > 0 ? `control characters in ${control.join(', ')}` : undefined;
}

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const header = String(context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers.authorization ?? '');
    const presented = Buffer.from(header.replace(/^Bearer /, ''));
    return presented.length === TOKEN.length && timingSafeEqual(presented, TOKEN);
  }
}

@Injectable()
class ResponseInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((payment: object) => ({ ...payment, revision: 0 })));
  }
}

@Controller('v1/payments')
@UseGuards(BearerGuard)
@UseInterceptors(ResponseInterceptor)
class PaymentsController {
  @Post()
  create(@Body() body: unknown): object {
    const parsed = createPaymentBody.safeParse(body);
    if (!parsed.success) throw new BadRequestException(parsed.error.issues.map((issue) => issue.message));
    const now = new Date().toISOString();
    return { ...parsed.data, paymentId: parsed.data.paymentId ?? randomUUID(), status: 'created', refundedAmount: 0, createdAt: now };
  }
}

@Module({ controllers: [PaymentsController], providers: [BearerGuard, ResponseInterceptor] })
class BenchModule {}

async function express(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BenchModule, new ExpressAdapter(), {
    bodyParser: false,
    rawBody: true,
    logger: false,
  });
  app.disable('x-powered-by');
  app.use((req: { headers: Record<string, string> }, res: { setHeader: (k: string, v: string) => void }, next: () => void) => {
    res.setHeader('X-Request-Id', req.headers['x-request-id'] ?? randomUUID());
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(helmet(HELMET));
  app.useBodyParser('json', { limit: '64kb' });
  app.use((req: any, _res: unknown, next: (error?: unknown) => void) => {
    const reason = refusal(req.body, req.query, req.path, (name) => req.get(name));
    next(reason ? new UnprocessableEntityException(reason) : undefined);
  });
  await app.listen(port, '127.0.0.1');
}

async function fastify(): Promise<void> {
  const adapter = new FastifyAdapter({ bodyLimit: 64 * 1024, routerOptions: { caseSensitive: false, ignoreTrailingSlash: true } });
  const app = await NestFactory.create<NestFastifyApplication>(BenchModule, adapter, { rawBody: true, logger: false });
  const instance = app.getHttpAdapter().getInstance();
  instance.addHook('onRequest', async (req, reply) => {
    reply.header('X-Request-Id', req.headers['x-request-id'] ?? randomUUID());
    reply.header('Cache-Control', 'no-store');
  });
  await app.register(fastifyHelmet, HELMET);
  // Fastify parses the body after its middleware has run: the same checks go in the hook that sees it.
  instance.addHook('preHandler', async (req) => {
    const path = req.url.split('?')[0];
    const reason = refusal(req.body, req.query as object, path, (name) => req.headers[name.toLowerCase()] as string | undefined);
    if (reason) throw new UnprocessableEntityException(reason);
  });
  await app.listen(port, '127.0.0.1');
}

(framework === 'fastify' ? fastify() : express()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
