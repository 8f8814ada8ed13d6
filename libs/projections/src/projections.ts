import { booksProjection } from '@ledger/books';
import type { SettlementWindows } from '@ledger/platform';
import { reconciliationProjection } from '@ledger/reconciliation';
import { auditTrailProjection } from './audit/audit-projection';
import { ledgerProjection } from './ledger/ledger-projection';
import type { Projection } from './runner/projection';

/** What configures the projections (from loadConfig): left out, the contract's defaults. */
export interface ProjectionSettings {
  /** SETTLEMENT_WINDOWS: reconciliation's missing_from_payout windows. */
  readonly settlementWindows?: SettlementWindows;
}

/** Every projection the projector runs, by name (the checkpoint row's name), built with the configuration. */
export function projectionRegistry(settings: ProjectionSettings = {}): Readonly<Record<string, Projection>> {
  return Object.freeze({
    [ledgerProjection.name]: ledgerProjection,
    [auditTrailProjection.name]: auditTrailProjection,
    [booksProjection.name]: booksProjection,
    reconciliation: reconciliationProjection(settings.settlementWindows),
  });
}

/** The registry with the defaults: names and tables (the same whatever the configuration). */
export const PROJECTIONS: Readonly<Record<string, Projection>> = projectionRegistry();

export function projectionByName(name: string, registry: Readonly<Record<string, Projection>> = PROJECTIONS): Projection {
  const projection = registry[name];
  if (!projection) throw new Error(`unknown projection "${name}" (known: ${Object.keys(registry).join(', ')})`);
  return projection;
}
