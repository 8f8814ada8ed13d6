import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { DestinationStream, Logger } from 'pino';
import { apiDocsEnabled, type LedgerConfig } from '@ledger/platform';
import { createLogger } from '@ledger/security';
import { ApiModule } from './app.module';
import { bodyParserError } from './http/error-mapping';
import { ApiExceptionFilter } from './http/exception.filter';
import { inputHygieneMiddleware } from './http/input-hygiene.middleware';
import { PinoNestLogger } from './http/nest-logger';
import { noStoreOnApi } from './http/no-store';
import { pciGuardMiddleware } from './http/pci.middleware';
import { requestContextMiddleware } from './http/request-context';
import { requestShapeMiddleware } from './http/request-shape.middleware';
import { ApiMetrics } from './metrics/metrics';

export interface ApiAppOptions {
  readonly config: LedgerConfig;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly rateLimitPrefix?: string;
  /** Where log lines go (stdout by default); tests capture them. */
  readonly logDestination?: DestinationStream;
  readonly poolSize?: number;
  /** Runs last when the app closes (main.ts stops the embedded services here). */
  readonly onShutdown?: () => Promise<void>;
}

export interface ApiApp {
  readonly app: NestExpressApplication;
  readonly logger: Logger;
  readonly metrics: ApiMetrics;
}

/** The whole HTTP app, not yet listening: main.ts and the e2e harness build it the same way. */
export async function createApiApp(options: ApiAppOptions): Promise<ApiApp> {
  const { config } = options;
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'ledger-api', destination: options.logDestination });
  const metrics = new ApiMetrics();
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot({ ...options, metrics }), {
    bodyParser: false,
    rawBody: true,
    cors: false,
    logger: new PinoNestLogger(logger),
  });
  if (config.TRUST_PROXY) app.set('trust proxy', trustProxy(config.TRUST_PROXY));
  app.disable('x-powered-by');
  app.use(requestContextMiddleware(logger, metrics));
  app.use(noStoreOnApi);
  app.use(
    helmet({
      frameguard: { action: 'deny' },
      hsts: config.FORCE_HTTPS ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      // helmet's defaults plus 'self' only for scripts: the page loads one module, /dashboard/app.js, and has no inline script.
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"] } },
    }),
  );
  app.useBodyParser('json', { limit: config.BODY_LIMIT });
  // Converted here, before Nest wraps them and drops what they were.
  app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => next(bodyParserError(error) ?? error));
  app.use(requestShapeMiddleware);
  app.use(pciGuardMiddleware);
  app.use(inputHygieneMiddleware);
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  if (apiDocsEnabled(config)) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle('Payment ledger API').setVersion('1').addBearerAuth().build(),
    );
    SwaggerModule.setup('docs', app, document);
  }
  return { app, logger, metrics };
}

function trustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
