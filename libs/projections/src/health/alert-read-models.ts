import type { ReadModels } from '@ledger/monitoring';
import { paymentProviders } from '../payments/providers.query';
import { loadHealthMinutes } from './health-minutes.query';

/** What the alert rules of @ledger/monitoring read of the read models, for the app that wires the alert hook. */
export const alertReadModels: ReadModels = { healthMinutes: loadHealthMinutes, paymentProviders };
