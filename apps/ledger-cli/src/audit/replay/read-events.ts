import { comparePositions, type EventStore, type Position, type RecordedEvent } from '@ledger/event-store';
import { CliError } from '../../io';

export interface ReplayRange {
  readonly stream?: string;
  /** Inclusive bounds. */
  readonly from?: Position;
  readonly to?: Position;
  readonly streamPrefix?: string;
  readonly pageSize?: number;
}

/** The events of the range in global order, one page at a time: never more than a page in memory. */
export async function* readEvents(store: EventStore, range: ReplayRange): AsyncGenerator<RecordedEvent[]> {
  const pages = range.stream ? streamPages(store, range.stream, range.pageSize ?? 1000) : allPages(store, range);
  for await (const page of pages) {
    const inRange = page.filter((e) => (!range.from || comparePositions(e.position, range.from) >= 0) && !beyond(e, range.to));
    if (inRange.length > 0) yield inRange;
    if (page.length > 0 && beyond(page[page.length - 1], range.to)) return;
  }
}

const beyond = (e: RecordedEvent, to: Position | undefined) => to !== undefined && comparePositions(e.position, to) > 0;

async function* allPages(store: EventStore, range: ReplayRange): AsyncGenerator<RecordedEvent[]> {
  const pageSize = range.pageSize ?? 1000;
  let after = range.from ? justBefore(range.from) : undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, streamPrefix: range.streamPrefix });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].position;
  }
}

async function* streamPages(store: EventStore, streamId: string, pageSize: number): AsyncGenerator<RecordedEvent[]> {
  let fromRevision = 0n;
  for (;;) {
    const page = await store.readStream(streamId, { fromRevision, maxCount: pageSize });
    if (page.length === 0 && fromRevision === 0n) throw new CliError(`no stream named ${JSON.stringify(streamId)}`, 2);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    fromRevision = page[page.length - 1].revision + 1n;
  }
}

/** Both stores keep a prepare position within a signed 64-bit integer (PostgreSQL bigint, EventStoreDB long). */
const MAX_PREPARE = 2n ** 63n - 1n;

/** The greatest position below p: readAll's bound is exclusive, --from-position is inclusive. */
function justBefore(p: Position): Position | undefined {
  if (p.prepare > 0n) return { commit: p.commit, prepare: p.prepare - 1n };
  if (p.commit > 0n) return { commit: p.commit - 1n, prepare: MAX_PREPARE };
  return undefined;
}
