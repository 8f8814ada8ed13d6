import { booksProjection } from '@ledger/books';
import { reconciliationProjection } from '@ledger/reconciliation';
import { auditTrailProjection } from './audit/audit-projection';
import { ledgerProjection } from './ledger/ledger-projection';
import type { Projection } from './runner/projection';

/** Every projection the projector runs, by name (the checkpoint row's name). */
export const PROJECTIONS: Readonly<Record<string, Projection>> = Object.freeze({
  [ledgerProjection.name]: ledgerProjection,
  [auditTrailProjection.name]: auditTrailProjection,
  [booksProjection.name]: booksProjection,
  reconciliation: reconciliationProjection(),
});

export function projectionByName(name: string): Projection {
  const projection = PROJECTIONS[name];
  if (!projection) throw new Error(`unknown projection "${name}" (known: ${Object.keys(PROJECTIONS).join(', ')})`);
  return projection;
}
