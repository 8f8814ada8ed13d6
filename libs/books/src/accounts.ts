import type { Provider } from '@ledger/payments-domain';

/** The kinds of account of CONTRACT.md › "Books"; the kind decides the sign of a balance. */
export type AccountType = 'asset' | 'clearing' | 'income' | 'contra-income' | 'expense' | 'suspense';

/** The chart of accounts, per currency; `<p>` is the provider. Fixed by the contract. */
export const accounts = {
  provider: (p: Provider | string) => `provider:${p}`,
  providerDisputed: (p: Provider | string) => `provider:${p}:disputed`,
  bank: (p: Provider | string) => `bank:${p}`,
  fx: (p: Provider | string) => `fx:${p}`,
  sales: 'revenue:sales',
  refunds: 'revenue:refunds',
  disputeLosses: 'expense:dispute_losses',
  fees: (p: Provider | string) => `expense:fees:${p}`,
  suspense: (p: Provider | string) => `suspense:${p}`,
} as const;

/** The type of an account of the chart; an account outside it is refused (nothing is booked on a guess). */
export function accountType(account: string): AccountType {
  if (account === accounts.sales) return 'income';
  if (account === accounts.refunds) return 'contra-income';
  if (account === accounts.disputeLosses || /^expense:fees:[a-z]+$/.test(account)) return 'expense';
  if (/^provider:[a-z]+(:disputed)?$/.test(account) || /^bank:[a-z]+$/.test(account)) return 'asset';
  if (/^fx:[a-z]+$/.test(account)) return 'clearing';
  if (/^suspense:[a-z]+$/.test(account)) return 'suspense';
  throw new Error(`not an account of the chart: ${JSON.stringify(account)}`);
}

/**
 * A balance as the contract reads it: debits − credits for assets, clearing, expenses and suspense; credits −
 * debits for income. Contra-income (refunds given) is reported as its own positive balance: debits − credits.
 */
export function balanceOf(account: string, debits: bigint, credits: bigint): bigint {
  return accountType(account) === 'income' ? credits - debits : debits - credits;
}
