/**
 * What the process manager learns from the log, already reduced to keyed tokens: the state never holds a signal.
 * `at` is event time (epoch ms): windows are measured on it, so a replay decides what the live run decided.
 */
export type VelocityFact =
  | {
      readonly kind: 'payment';
      readonly paymentId: string;
      readonly at: number;
      readonly customerId?: string;
      readonly card?: string;
      readonly ip?: string;
      readonly device?: string;
      readonly email?: string;
      readonly amount: number;
      readonly currency: string;
      /** Card country ≠ IP country (both given): the only use of the countries, never kept. */
      readonly countryMismatch: boolean;
    }
  | { readonly kind: 'failure'; readonly paymentId: string; readonly at: number; readonly card?: string }
  | { readonly kind: 'forget'; readonly customerId: string };

/** One flag the manager decided: a FlagFraud command for one payment, under one trip of one rule. */
export interface FlagDecision {
  /** `fraud:<rule>:<paymentId>`: the command id, from which the event id is derived. */
  readonly commandId: string;
  readonly paymentId: string;
  readonly rule: string;
  readonly window: string;
  readonly count: number;
  readonly threshold: number;
  readonly paymentIds: readonly string[];
  readonly tripId: string;
  /** Event time of the fact that decided it. */
  readonly at: number;
}

export const commandIdOf = (rule: string, paymentId: string) => `fraud:${rule}:${paymentId}`;
