import type { Command } from 'commander';
import type { HorizonHolder } from '@ledger/event-store';
import { FRAUD_MANAGER, fraudManagerStatus, resetFraudState } from '@ledger/fraud';
import { withTransaction } from '@ledger/platform';
import { alertSettingsFromConfig, createAlertHook } from '@ledger/monitoring';
import {
  PROJECTIONS,
  alertReadModels,
  projectionRegistry,
  projectionRunners,
  projectionStatus,
  rebuildProjection,
} from '@ledger/projections';
import { withConnection, type LedgerConnection } from '../audit/context';
import { createProgress } from '../audit/progress';
import { CliError, type CliIo } from '../io';

/** Who holds the PostgreSQL read horizon: enough for an operator to find and end the session. */
const heldBy = (h: HorizonHolder | null) =>
  h ? `pid ${h.pid} (${h.application || 'no application_name'}, database ${h.database ?? '?'}, ${h.state ?? '?'}, ${h.ageSeconds}s)` : '-';

/** `ledger projections status` / `ledger projections rebuild <name>`. */
export function registerProjectionCommands(program: Command, io: CliIo): void {
  const projections = program.command('projections').description('projection checkpoints, lag and rebuilds');
  projections
    .command('status')
    .description('checkpoint, events applied and lag of every projection')
    .action(() =>
      withConnection(io, 'projections status', async ({ pool, store }) => {
        // The fraud-velocity process manager (libs/fraud) follows the log from its own checkpoint like a projection.
        const [projected, fraud, runners] = await Promise.all([
          projectionStatus(pool, store),
          fraudManagerStatus(pool, store),
          projectionRunners(pool, [...Object.keys(PROJECTIONS), FRAUD_MANAGER]),
        ]);
        const statuses = [...projected, fraud];
        const header = [
          'projection',
          'position',
          'events applied',
          'behind',
          'seconds behind',
          'updated at',
          'horizon age',
          'horizon held by',
          'projector',
        ];
        io.stdout(`${header.join('\t')}\n`);
        for (const s of statuses) {
          const behind = `${s.lag.positionsBehind}${s.lag.capped ? '+' : ''}`;
          const age = s.lag.horizonAgeSeconds === null ? '-' : String(s.lag.horizonAgeSeconds);
          const runner = runners.get(s.name);
          const projector = runner ? `pid ${runner.pid} (${runner.application ?? 'no application_name'})` : 'not running';
          io.stdout(
            `${[s.name, s.position, s.eventsApplied, behind, s.lag.secondsBehind, s.updatedAt, age, heldBy(s.lag.horizonHolder), projector].join('\t')}\n`,
          );
        }
        const idle = statuses.filter((s) => !runners.has(s.name)).map((s) => s.name);
        if (idle.length > 0) {
          io.stderr(
            `ledger: no projector is running ${idle.join(', ')}: nothing applies new events there, and "behind" only counts what is committed past the checkpoint\n`,
          );
        }
      }),
    );
  projections
    .command('rebuild')
    .description('rebuild a projection from position 0 beside the live tables, then swap it in')
    .argument('<name>', `one of: ${Object.keys(PROJECTIONS).join(', ')}, ${FRAUD_MANAGER}`)
    .action((name: string) => {
      if (name === FRAUD_MANAGER)
        return withConnection(io, `projections rebuild ${name}`, async ({ pool }) => {
          // The state and checkpoint start over; the running manager replays the log into it (its outbox keeps one
          // row per decision, and a flag dispatched again appends nothing). Forgotten customers stay forgotten.
          await withTransaction(pool, (tx) => resetFraudState(tx));
          io.stdout(`reset ${name}: the running manager replays from position 0\n`);
        });
      if (!PROJECTIONS[name]) throw new CliError(`unknown projection "${name}" (known: ${Object.keys(PROJECTIONS).join(', ')})`, 2);
      return withConnection(io, `projections rebuild ${name}`, (ledger) => rebuildWithProgress(io, ledger, name));
    });
}

/** One projection rebuilt and swapped in, with progress on stderr and one line on stdout (also used by `ledger store rebase`). */
export async function rebuildWithProgress(io: CliIo, { pool, store, config }: LedgerConnection, name: string): Promise<void> {
  // The ledger's live alert hook: the events the rebuild reads past the live checkpoint still page.
  const onBatch = name === 'ledger' ? createAlertHook(alertSettingsFromConfig(config), alertReadModels) : undefined;
  const total = (await projectionStatus(pool, store)).find((s) => s.name === name)?.eventsApplied;
  const progress = createProgress(io, `rebuild ${name}`, total);
  const result = await rebuildProjection(name, {
    pool,
    store,
    onBatch,
    onProgress: (p) => progress.update(p.eventsDone),
    projections: projectionRegistry({ settlementWindows: config.SETTLEMENT_WINDOWS }),
  });
  progress.stop(result.eventsDone);
  io.stdout(`rebuilt ${name}: ${result.eventsDone} events, now at ${result.position.commit}/${result.position.prepare}\n`);
}
