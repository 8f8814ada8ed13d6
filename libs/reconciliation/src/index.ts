export * from './events/payout-events';
export * from './formats/major-to-minor';
export type { ReportedLine, ReportedPayout } from './formats/reported-line';
export * from './import/import-report';
export * from './breaks/break-kinds';
export * from './matching/reconciliation-projection';
export * from './matching/settlement-windows';
