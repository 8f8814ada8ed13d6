import {
  assertNotEmptyString,
  DeciderCommandHandler,
  EmmettError,
  type DefaultCommandMetadata,
  type EventStore,
} from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import express, { type NextFunction, type Request, type Response } from 'express';
import pg from 'pg';
import { decider, evolve, initialState, type Payment, type PaymentCommand } from './payment';

/**
 * The benchmark's peer: a minimal Emmett application serving the paths the bench:api workload calls,
 * with Emmett's DeciderCommandHandler over Emmett's PostgreSQL event store, behind plain Express
 * (`@event-driven-io/emmett-expressjs` has no release for Emmett 0.42). It does what Emmett's samples do
 * and nothing more: no authentication, idempotency, card-data scan, rate limit or request log.
 * `DATABASE_URL` must be a database of its own (Emmett creates its tables in `public`).
 */
const DATABASE_URL = assertNotEmptyString(process.env.DATABASE_URL);
const PORT = Number(process.env.PORT ?? 3000);
/** The ledger's pool size (libs/platform createPool), so both sides may hold as many connections. */
const POOL_MAX = Number(process.env.PG_POOL_MAX ?? 20);

const handle = DeciderCommandHandler(decider);
const streamName = (paymentId: string) => `payment-${paymentId}`;

const view = (paymentId: string, payment: Payment, revision: bigint) => ({
  paymentId,
  revision: Number(revision),
  ...payment,
});

const paymentIdOf = (req: Request): string => assertNotEmptyString(req.params.id);

const on =
  (handler: (req: Request) => Promise<{ status: number; body: unknown }>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    handler(req).then(({ status, body }) => void res.status(status).json(body), next);
  };

function paymentApi(eventStore: EventStore): express.Router {
  const router = express.Router();
  const command = async (status: number, paymentId: string, toCommand: (metadata: DefaultCommandMetadata) => PaymentCommand) => {
    const result = await handle(eventStore, streamName(paymentId), toCommand({ now: new Date() }));
    return { status, body: view(paymentId, result.newState, result.nextExpectedStreamVersion) };
  };
  router.post(
    '/',
    on((req) => {
      const { paymentId, provider, amount, currency, customerId } = req.body;
      const id = assertNotEmptyString(paymentId);
      return command(201, id, (metadata) => ({
        type: 'CreatePayment',
        data: { paymentId: id, provider: assertNotEmptyString(provider), amount, currency: assertNotEmptyString(currency), customerId },
        metadata,
      }));
    }),
  );
  router.post(
    '/:id/processing',
    on((req) => {
      const paymentId = paymentIdOf(req);
      return command(200, paymentId, (metadata) => ({ type: 'StartProcessing', data: { paymentId }, metadata }));
    }),
  );
  router.post(
    '/:id/success',
    on((req) => {
      const { providerPaymentId, processingTimeMs } = req.body;
      const data = { paymentId: paymentIdOf(req), providerPaymentId, processingTimeMs };
      return command(200, data.paymentId, (metadata) => ({ type: 'MarkPaymentSucceeded', data, metadata }));
    }),
  );
  router.post(
    '/:id/failure',
    on((req) => {
      const data = { paymentId: paymentIdOf(req), errorCode: assertNotEmptyString(req.body.errorCode) };
      return command(200, data.paymentId, (metadata) => ({ type: 'MarkPaymentFailed', data, metadata }));
    }),
  );
  router.post(
    '/:id/refunds',
    on((req) => {
      const data = { paymentId: paymentIdOf(req), amount: req.body.amount, reason: req.body.reason };
      return command(201, data.paymentId, (metadata) => ({ type: 'RefundPayment', data, metadata }));
    }),
  );
  router.get(
    '/:id',
    on(async (req) => {
      const paymentId = paymentIdOf(req);
      const { state, currentStreamVersion, streamExists } = await eventStore.aggregateStream(streamName(paymentId), {
        evolve,
        initialState,
      });
      if (!streamExists) return { status: 404, body: { error: 'payment not found' } };
      return { status: 200, body: view(paymentId, state, currentStreamVersion) };
    }),
  );
  return router;
}

/** EmmettError carries its HTTP status (400 validation, 403 illegal state, 404, 412 version conflict). */
function problem(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const status = error instanceof EmmettError ? error.errorCode : 500;
  res.status(status).json({ error: error instanceof Error ? error.message : String(error) });
}

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_MAX });
  const eventStore = getPostgreSQLEventStore(DATABASE_URL, { connectionOptions: { pool } });
  await eventStore.schema.migrate();
  const app = express();
  app.use(express.json());
  app.get('/health/live', (_req, res) => void res.json({ status: 'ok' }));
  app.use('/v1/payments', paymentApi(eventStore));
  app.use(problem);
  const server = app.listen(PORT);
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    void eventStore.close().finally(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
