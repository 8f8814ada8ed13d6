import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { formatPosition, type EventStore } from '@ledger/event-store';
import { findPans, findPansIn, scanForCardData } from '@ledger/security';
import { readEvents } from '../replay/read-events';

export interface ScanResult {
  readonly scanned: number;
  /** `where: what`, e.g. `app.log:12: visa ****1111`; never the digits themselves. */
  readonly hits: string[];
}

const CVV_TEXT = /\b(cvv2?|cvc2?|csc|security[_ -]?code|card[_ -]?verification)\b["']?\s*[:=]\s*["']?\d{3,4}\b/i;
const MAX_KEPT = 1000;

/** Every stored event, every stream: card data in data or metadata (PANs by Luhn, brand and length; CVV/PIN fields). */
export async function scanEvents(store: EventStore, onProgress?: (done: number) => void): Promise<ScanResult> {
  const hits: string[] = [];
  let scanned = 0;
  for await (const page of readEvents(store, { pageSize: 2000 })) {
    for (const event of page) {
      const fields = [...scanForCardData(event.data, 'data'), ...scanForCardData(event.metadata, 'metadata')];
      if (fields.length > 0 && hits.length < MAX_KEPT) {
        hits.push(
          `event ${event.eventId} (${event.streamId}@${event.revision}, position ${formatPosition(event.position)}): ${fields.join(', ')}`,
        );
      }
    }
    scanned += page.length;
    onProgress?.(scanned);
  }
  return { scanned, hits };
}

/** Every file under the log directory, line by line (constant memory): PANs, and CVV fields in JSON or text. */
export async function scanLogs(dir: string): Promise<ScanResult> {
  const hits: string[] = [];
  let scanned = 0;
  for (const file of await listFiles(dir)) {
    scanned += 1;
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n += 1;
      const found = lineFindings(line);
      if (found.length > 0 && hits.length < MAX_KEPT) hits.push(`${relative(dir, file) || file}:${n}: ${found.join(', ')}`);
    }
  }
  return { scanned, hits };
}

/** A JSON line is scanned value by value, like the API guard does; any other line is one value. */
function lineFindings(line: string): string[] {
  const json = parseJson(line);
  const found = (json === undefined ? findPans(line) : findPansIn(json)).map((m) => `${m.brand} PAN ****${m.last4}`);
  if (json !== undefined) {
    const fields = scanForCardData(json);
    if (fields.length > 0 && found.length === 0) found.push(`card data in ${fields.join(', ')}`);
  } else if (CVV_TEXT.test(line)) {
    found.push('CVV/CVC value');
  }
  return found;
}

function parseJson(line: string): unknown {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const info = await stat(dir);
  if (info.isFile()) return [dir];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile() && !/\.(gz|zip|bz2|xz)$/i.test(entry.name)) out.push(path);
  }
  return out.sort();
}
