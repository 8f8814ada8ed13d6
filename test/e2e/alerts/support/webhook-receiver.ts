import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, verifyAlertSignature, type AlertPayload } from '@ledger/monitoring';

interface ReceivedAlert {
  readonly alert: AlertPayload;
  readonly signatureValid: boolean;
}

/** A local HTTP endpoint standing in for the on-call webhook. `answer` decides each response's status. */
export async function startWebhookReceiver(secret: string, answer: (alert: AlertPayload) => number | Promise<number> = () => 200) {
  const received: ReceivedAlert[] = [];
  const attempts: AlertPayload[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on(
      'end',
      () =>
        void (async () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const alert = JSON.parse(body) as AlertPayload;
          attempts.push(alert);
          const status = await answer(alert);
          if (status < 300) {
            received.push({
              alert,
              signatureValid: verifyAlertSignature(req.headers[SIGNATURE_HEADER.toLowerCase()] as string, body, secret),
            });
          }
          res.writeHead(status).end();
        })(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    received,
    attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
