import { z } from 'zod';
import { isKnownCurrency, PROVIDERS } from '@ledger/payments-domain';
import type { DashboardFilter, VolumeQuery } from '@ledger/projections';
import { parseBody } from '../payments/schemas';

const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => new Date(s));

const filter = {
  provider: z.enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(', ')}` }).optional(),
  currency: z.string().refine(isKnownCurrency, 'must be a known ISO 4217 currency code').optional(),
};

const filterQuery = z.strictObject(filter);
const listQuery = z.strictObject({ ...filter, limit: z.coerce.number().int().min(1).max(500).optional() });
const volumeQuery = z
  .strictObject({ ...filter, granularity: z.enum(['hour', 'day']).default('day'), from: instant.optional(), to: instant.optional() })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['from'] });

export const parseFilter = (query: unknown): DashboardFilter => parseBody(filterQuery, query);
export const parseList = (query: unknown): DashboardFilter & { limit?: number } => parseBody(listQuery, query);
export const parseVolume = (query: unknown): VolumeQuery => parseBody(volumeQuery, query);
