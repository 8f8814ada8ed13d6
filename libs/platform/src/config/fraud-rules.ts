/**
 * `FRAUD_RULES` (CONTRACT.md › "Fraud velocity"): comma-separated `name=threshold/window`, `name=on|off`, or
 * `amount_spike=Nx`. What is not named keeps its default; `off` turns a rule off.
 */
export const DEFAULT_FRAUD_RULES =
  'customer_payments=20/1h,customer_cards=4/24h,card_customers=3/24h,ip_customers=5/1h,ip_cards=8/1h,card_failures=5/10m,country_mismatch=on,amount_spike=5x';

export const WINDOW_RULES = ['customer_payments', 'customer_cards', 'card_customers', 'ip_customers', 'ip_cards', 'card_failures'] as const;
export type WindowRuleName = (typeof WINDOW_RULES)[number];
export type FraudRuleName = WindowRuleName | 'country_mismatch' | 'amount_spike';
export const FRAUD_RULE_NAMES: readonly FraudRuleName[] = [...WINDOW_RULES, 'country_mismatch', 'amount_spike'];

export interface WindowRule {
  /** Trips when the count in the window reaches it. */
  readonly threshold: number;
  readonly windowMs: number;
  /** As written (`1h`), for the flag's `window`. */
  readonly window: string;
}

export interface FraudRules {
  readonly windows: Readonly<Partial<Record<WindowRuleName, WindowRule>>>;
  readonly countryMismatch: boolean;
  /** The factor k of "amount above k × the customer's own median"; undefined when off. */
  readonly amountSpike?: number;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseFraudRules(value: string): FraudRules {
  const windows: Partial<Record<WindowRuleName, WindowRule>> = {};
  let countryMismatch = false;
  let amountSpike: number | undefined;
  for (const part of [DEFAULT_FRAUD_RULES, value].flatMap((v) => v.split(',').map((p) => p.trim())).filter(Boolean)) {
    const [name, setting = ''] = part.split('=', 2);
    if (!(FRAUD_RULE_NAMES as readonly string[]).includes(name))
      throw new Error(`"${part}" names no rule (${FRAUD_RULE_NAMES.join(', ')})`);
    if (name === 'country_mismatch') {
      if (setting !== 'on' && setting !== 'off') throw new Error(`"${part}" is not country_mismatch=on or off`);
      countryMismatch = setting === 'on';
    } else if (name === 'amount_spike') {
      const m = /^(\d+(?:\.\d+)?)x$/.exec(setting);
      if (setting === 'off') amountSpike = undefined;
      else if (m && Number(m[1]) > 1) amountSpike = Number(m[1]);
      else throw new Error(`"${part}" is not amount_spike=Nx with N above 1 (e.g. amount_spike=5x), nor off`);
    } else {
      const rule = name as WindowRuleName;
      const m = /^(\d+)\/(\d*)([smhd])$/.exec(setting);
      if (setting === 'off') delete windows[rule];
      else if (m && Number(m[1]) >= 1 && Number(m[2] || '1') >= 1)
        windows[rule] = { threshold: Number(m[1]), windowMs: Number(m[2] || '1') * UNITS[m[3]], window: `${m[2] || '1'}${m[3]}` };
      else throw new Error(`"${part}" is not ${name}=N/window with N and the window positive (e.g. ${name}=5/1h), nor off`);
    }
  }
  return { windows, countryMismatch, amountSpike };
}
