import { z } from 'zod';
import { isKnownCurrency, PROVIDERS } from '@ledger/payments-domain';
import type { ActivityQuery, DashboardFilter, VolumeQuery } from '@ledger/projections';
import { parseBody } from '../payments/schemas';

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));

const filter = {
  provider: z.enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(', ')}` }).optional(),
  currency: z.string().refine(isKnownCurrency, 'must be a known ISO 4217 currency code').optional(),
};

const filterQuery = z.strictObject(filter);
const listQuery = z.strictObject({ ...filter, limit: z.coerce.number().int().min(1).max(500).optional() });
const range = { from: instant.optional(), to: instant.optional() };
const ordered = { message: 'from must be before to', path: ['from'] };
const volumeQuery = z
  .strictObject({
    ...filter,
    granularity: z.enum(['minute', 'hour', 'day'], { error: 'must be one of minute, hour, day' }).default('day'),
    ...range,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, ordered);
const activityQuery = z.strictObject({ provider: filter.provider, ...range }).refine((q) => !q.from || !q.to || q.from < q.to, ordered);

export const parseFilter = (query: unknown): DashboardFilter => parseBody(filterQuery, query);
export const parseList = (query: unknown): DashboardFilter & { limit?: number } => parseBody(listQuery, query);
export const parseVolume = (query: unknown): VolumeQuery => parseBody(volumeQuery, query);
export const parseActivity = (query: unknown): ActivityQuery => parseBody(activityQuery, query);
