import { h, section, table } from '../dom';
import { amount, count, time } from '../format';
import type { Dashboard, DashboardEvent } from '../types';

const STATUSES = ['pending', 'processing', 'succeeded', 'failed', 'partially_refunded', 'refunded', 'needs_review'];

/** Bars drawn with CSS widths, numbers in text: readable without colour and by a screen reader. */
export function renderBreakdown(breakdown: Dashboard['breakdown']): HTMLElement {
  const max = Math.max(1, ...STATUSES.map((s) => breakdown[s] ?? 0));
  return section(
    'breakdown',
    'Status breakdown',
    h(
      'ul',
      { class: 'bars' },
      STATUSES.map((s) =>
        h(
          'li',
          {},
          h('span', { class: 'bar-label' }, s.replace('_', ' ')),
          h('span', { class: `bar bar-${s}`, style: `width:${((breakdown[s] ?? 0) / max) * 100}%` }),
          h('span', { class: 'bar-value', 'data-testid': `status-${s}` }, count(breakdown[s] ?? 0)),
        ),
      ),
    ),
  );
}

export function renderErrors(errors: Dashboard['errors']): HTMLElement {
  return section(
    'errors',
    'Errors',
    table(
      'Errors by code',
      ['Code', 'Payments'],
      errors.map((e) => [h('code', {}, e.code), count(e.count)]),
      'errors',
      [1],
    ),
  );
}

export function renderFailed(failed: Dashboard['failedPayments']): HTMLElement {
  return section(
    'failed',
    'Failed payments',
    table(
      'Failed payments, newest first',
      ['Payment', 'Provider', 'Amount', 'Error', 'Failed at'],
      failed.map((f) => [
        h('code', {}, f.paymentId),
        f.provider,
        amount(f.amount, f.currency),
        h('code', {}, f.errorCode),
        time(f.failedAt),
      ]),
      'failed-payments',
      [2],
    ),
  );
}

/** Type, payment, amount and time only: no customer, card or description reaches the page. */
function summary(e: DashboardEvent): string {
  const { amount: a, currency, errorCode } = e.data as { amount?: number; currency?: string; errorCode?: string };
  if (typeof a === 'number' && typeof currency === 'string') return amount(a, currency);
  return typeof errorCode === 'string' ? errorCode : '';
}

export function renderEvents(events: DashboardEvent[]): HTMLElement {
  return section(
    'events',
    'Recent events',
    table(
      'Recent events, newest first',
      ['When', 'Event', 'Payment', 'Detail'],
      events
        .slice(0, 25)
        .map((e) => [time(e.occurredAt), e.type.replace(/^Payment/, ''), h('code', {}, e.streamId.replace(/^payment-/, '')), summary(e)]),
      'recent-events',
    ),
  );
}
