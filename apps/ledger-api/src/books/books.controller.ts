import { Controller, Get, Inject, Module, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Pool } from 'pg';
import {
  BooksQueryError,
  InvalidCursorError,
  parseAccount,
  parseCurrency,
  parseOptionalMoment,
  parseRangeStart,
  queryBalances,
  queryJournal,
  queryTrialBalance,
} from '@ledger/books';
import { PG_POOL } from '@ledger/platform';
import { RequireScope } from '../auth/require-scope.decorator';
import { validationFailed } from '../http/api-error';
import { RateLimit } from '../rate-limit/rate-limit.guard';

type QueryParams = Record<string, unknown>;

const KNOWN = {
  balances: ['asOf', 'knownAt', 'currency'],
  trialBalance: ['asOf', 'currency'],
  journal: ['from', 'to', 'account', 'paymentId', 'cursor', 'limit'],
};

/** Bad parameters are 400 `validation_failed` naming the field, never a 500. */
function read<T>(query: QueryParams, known: readonly string[], parse: () => T): T {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw validationFailed(unknown.map((path) => ({ path, message: 'unknown parameter' })));
  for (const [path, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw validationFailed([{ path, message: 'give it once' }]);
  }
  try {
    return parse();
  } catch (error) {
    if (error instanceof BooksQueryError) throw validationFailed([{ path: error.field, message: error.message }]);
    throw error;
  }
}

/** The books of CONTRACT.md › "Books": balances on both clocks, the trial balance and the journal. */
@ApiTags('books')
@ApiBearerAuth()
@RequireScope('books:read')
@RateLimit('api')
@Controller('v1/books')
class BooksController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('balances')
  @ApiOperation({
    summary: 'Balance of every account per currency as of an effective time (asOf) and as known at a recorded time (knownAt)',
  })
  balances(@Query() query: QueryParams) {
    const now = new Date();
    const q = read(query, KNOWN.balances, () => ({
      asOf: parseOptionalMoment(query.asOf, 'asOf'),
      knownAt: parseOptionalMoment(query.knownAt, 'knownAt'),
      currency: parseCurrency(query.currency),
      now,
    }));
    return queryBalances(this.pool, q);
  }

  @Get('trial-balance')
  @ApiOperation({ summary: 'Per currency Σ debits, Σ credits and their difference (always 0), and every account' })
  trialBalance(@Query() query: QueryParams) {
    const now = new Date();
    const q = read(query, KNOWN.trialBalance, () => ({
      asOf: parseOptionalMoment(query.asOf, 'asOf'),
      knownAt: now,
      currency: parseCurrency(query.currency),
      now,
    }));
    return queryTrialBalance(this.pool, q);
  }

  @Get('journal')
  @ApiOperation({ summary: 'Journal entries by effective date [from, to), a page at a time (nextCursor)' })
  async journal(@Query() query: QueryParams) {
    const q = read(query, KNOWN.journal, () => {
      const limit = query.limit === undefined ? undefined : Number(query.limit);
      if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000))
        throw new BooksQueryError('limit', 'an integer from 1 to 1000');
      const from = parseRangeStart(query.from, 'from');
      const to = parseRangeStart(query.to, 'to');
      if (from && to && from >= to) throw new BooksQueryError('from', 'must be before to');
      const paymentId = typeof query.paymentId === 'string' && query.paymentId !== '' ? query.paymentId : undefined;
      if (paymentId !== undefined && paymentId.length > 200) throw new BooksQueryError('paymentId', 'too long');
      return {
        from,
        to,
        account: parseAccount(query.account),
        paymentId,
        cursor: (query.cursor as string | undefined) || undefined,
        limit,
      };
    });
    try {
      return await queryJournal(this.pool, q);
    } catch (error) {
      if (error instanceof InvalidCursorError) throw validationFailed([{ path: 'cursor', message: error.message }]);
      throw error;
    }
  }
}

@Module({ controllers: [BooksController] })
export class BooksModule {}
