import type { Command } from 'commander';
import { lockFraudCheckpoint, moveFraudCheckpoint } from '@ledger/fraud';
import type { PoolClient } from 'pg';
import { formatPosition, planRebase, rebasedGlobalPosition, rebasedPosition, restampHistory, type RebasePlan } from '@ledger/event-store';
import { withTransaction } from '@ledger/platform';
import { PROJECTIONS, lockAllCheckpoints, setCheckpoint } from '@ledger/projections';
import { lastPlaintextPosition, moveLastPlaintextPosition } from '@ledger/security';
import { firstLine, withConnection } from '../audit/context';
import { CliError, type CliIo } from '../io';
import { rebuildWithProgress } from './projections';

const INSUFFICIENT_PRIVILEGE = '42501';
/** SQLSTATE lock_not_available: lock_timeout ran out waiting for the log, held by a running process. */
const LOCK_NOT_AVAILABLE = '55P03';

const HELP = `
After a pg_dump/pg_restore, a COPY or a logical-replication move into another
PostgreSQL server, event_store.events holds that server's transaction ids: they
are above this server's read horizon, so the API, the projector, the alert
worker and the CLI refuse to start and name this command.

In one transaction it stamps every event with its own transaction id and
renumbers global_position in the old (transaction_id, global_position) order, so
$all keeps the original global order; moves each projection checkpoint to the
same event in the new numbering (events_applied unchanged) and the encryption
epoch likewise. Then it rebuilds every projection and swaps it in: history never
reaches the alert hook; events that were past a checkpoint page once, as they
would have on the old server. Stop every app first; run it as the owner of the
schema (the migration role). On a store that needs no rebase it says so (exit 0).
`;

/** `ledger store rebase`. */
export function registerStoreCommands(program: Command, io: CliIo): void {
  const store = program.command('store').description('the event store itself');
  store
    .command('rebase')
    .description('after a restore into another PostgreSQL server, makes the history visible again')
    .addHelpText('after', HELP)
    .action(() =>
      withConnection(
        io,
        'store rebase',
        async (ledger) => {
          if (ledger.config.EVENT_STORE !== 'postgres') {
            io.stdout('store rebase: nothing to do: EventStoreDB keeps its own positions\n');
            return;
          }
          const rebased = await withTransaction(ledger.pool, rebaseHistory, { settings: { lock_timeout: '30s' } }).catch(
            (error: unknown) => {
              const code = (error as { code?: string }).code;
              if (code === LOCK_NOT_AVAILABLE) {
                throw new CliError(
                  'store rebase: event_store.events is in use: stop the API, projector and alert-worker, then run it again',
                  2,
                );
              }
              if (code !== INSUFFICIENT_PRIVILEGE) throw error;
              throw new CliError(`store rebase must run as the owner of event_store.events (the migration role): ${firstLine(error)}`, 2);
            },
          );
          if (!rebased) {
            io.stdout('store rebase: nothing to do: every stored transaction id belongs to this server\n');
            return;
          }
          io.stdout(
            `store rebase: ${rebased.plan.events} events re-stamped with transaction ${rebased.transactionId}, in their original order\n`,
          );
          for (const moved of rebased.checkpoints) io.stdout(`store rebase: checkpoint ${moved}\n`);
          for (const name of Object.keys(PROJECTIONS)) {
            await rebuildWithProgress(io, ledger, name).catch((error: unknown) => {
              throw new CliError(
                `history re-stamped, but rebuilding ${name} failed: ${firstLine(error)}; finish with \`ledger projections rebuild ${name}\``,
                1,
              );
            });
          }
          io.stdout('store rebase: done\n');
        },
        undefined,
        { foreignHistory: 'allow' },
      ),
    );
}

interface Rebased {
  readonly plan: RebasePlan;
  readonly transactionId: bigint;
  /** "<name> <old> -> <new>" per checkpoint. */
  readonly checkpoints: string[];
}

/** The re-stamp and everything holding a position of the old numbering, in one transaction. */
async function rebaseHistory(tx: PoolClient): Promise<Rebased | null> {
  const plan = await planRebase(tx);
  if (!plan) return null;
  // Mapped before the re-stamp: the mapping reads the old numbering.
  const checkpoints = await lockAllCheckpoints(tx);
  const moved = [];
  for (const checkpoint of checkpoints) moved.push({ checkpoint, to: await rebasedPosition(tx, plan, checkpoint.position) });
  // The fraud-velocity manager's checkpoint (libs/fraud) holds a position of the old numbering too.
  const fraud = await lockFraudCheckpoint(tx);
  const fraudTo = await rebasedPosition(tx, plan, fraud.position);
  const epoch = await lastPlaintextPosition(tx, { forUpdate: true });
  const lastPlaintext = epoch === undefined ? undefined : await rebasedGlobalPosition(tx, plan, epoch);

  const { transactionId } = await restampHistory(tx, plan);
  for (const { checkpoint, to } of moved) await setCheckpoint(tx, checkpoint.name, to, checkpoint.eventsApplied);
  await moveFraudCheckpoint(tx, fraudTo);
  if (lastPlaintext !== undefined) await moveLastPlaintextPosition(tx, lastPlaintext);
  return {
    plan,
    transactionId,
    checkpoints: [
      ...moved.map(({ checkpoint, to }) => `${checkpoint.name} ${formatPosition(checkpoint.position)} -> ${formatPosition(to)}`),
      `${fraud.name} ${formatPosition(fraud.position)} -> ${formatPosition(fraudTo)}`,
    ],
  };
}
