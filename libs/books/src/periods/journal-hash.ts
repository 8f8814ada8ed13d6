import { createHash } from 'node:crypto';

/** One journal line as the period hash reads it (the close and `ledger audit verify` must agree on this, byte for byte). */
export interface HashedLine {
  readonly entryId: string;
  readonly lineNo: number;
  readonly account: string;
  readonly currency: string;
  readonly debit: string;
  readonly credit: string;
  readonly effectiveAt: string;
  readonly late: boolean;
}

/**
 * sha256 (hex) of a period's journal lines in journal order (global position, then line number), each as
 * `entryId|lineNo|account|currency|debit|credit|effectiveAt ISO|late` and a newline.
 */
export function journalLinesHash(lines: Iterable<HashedLine>): string {
  const hash = createHash('sha256');
  for (const l of lines)
    hash.update(`${l.entryId}|${l.lineNo}|${l.account}|${l.currency}|${l.debit}|${l.credit}|${l.effectiveAt}|${l.late}\n`);
  return hash.digest('hex');
}
