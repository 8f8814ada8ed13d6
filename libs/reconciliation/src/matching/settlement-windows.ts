/**
 * `SETTLEMENT_WINDOWS` (CONTRACT.md › Reconciliation) is read with the rest of the configuration (libs/platform's
 * loadConfig, which refuses a bad value at start); the projector builds the reconciliation projection with it.
 */
export { DEFAULT_SETTLEMENT_WINDOWS, parseSettlementWindows, type SettlementWindows } from '@ledger/platform';
