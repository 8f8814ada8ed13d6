import { toEventView, type EventView } from '@ledger/event-store';
import type { ReplayedEvent } from './corrected';

/** CONTRACT.md's event shape, and beside it the correction a stored amount was read with, if any. */
const view = ({ correction, ...event }: ReplayedEvent): EventView =>
  (correction ? { ...toEventView(event), correction } : toEventView(event)) as EventView;

export const ndjson = (events: readonly ReplayedEvent[]): string => events.map((e) => `${JSON.stringify(view(e))}\n`).join('');

const COLUMNS = [
  ['position', 22],
  ['occurredAt', 24],
  ['streamId', 46],
  ['rev', 4],
  ['type', 20],
  ['summary', 0],
] as const;

export const tableHeader = (): string => row(COLUMNS.map(([name]) => name)) + row(COLUMNS.map(([, w]) => '-'.repeat(w || 7)));

export function tableRows(events: readonly ReplayedEvent[]): string {
  return events
    .map((e) => {
      const line = view(e);
      return row([line.position, line.occurredAt, line.streamId, String(line.revision), line.type, summary(line.data)]);
    })
    .join('');
}

function row(cells: readonly string[]): string {
  return `${cells
    .map((c, i) => (COLUMNS[i][1] ? c.padEnd(COLUMNS[i][1]) : c))
    .join(' ')
    .trimEnd()}\n`;
}

/** The money and reason fields an auditor scans for; the full payload is in NDJSON. */
function summary(data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const d = data as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof d.amount === 'number') parts.push(`${d.amount} ${String(d.currency ?? '')}`.trim());
  for (const key of ['provider', 'errorCode', 'reason', 'refundId']) if (typeof d[key] === 'string') parts.push(`${key}=${d[key]}`);
  return parts.join(' ');
}
