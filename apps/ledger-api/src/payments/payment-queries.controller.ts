import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, toEventView, type EventStore, type EventView, type RecordedEvent } from '@ledger/event-store';
import { openPersonalFields } from '@ledger/payments-app';
import { PaymentNotFoundError, paymentStreamId, StreamUpcaster } from '@ledger/payments-domain';
import { PersonalDataCipher } from '@ledger/security';
import { contextOf } from '../http/request-context';
import { RequireScope } from '../auth/require-scope.decorator';
import { RateLimit } from '../rate-limit/rate-limit.guard';
import { foldPaymentView, type PaymentView } from './payment-view';
import { parsePaymentId } from './schemas';

@ApiTags('payments')
@ApiBearerAuth()
@RequireScope('payments:read')
@RateLimit('status')
@Controller('v1/payments')
export class PaymentQueriesController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PersonalDataCipher) private readonly personalData: PersonalDataCipher,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Current state of one payment, folded from its events' })
  @ApiResponse({ status: 404, description: 'payment_not_found' })
  async payment(@Param('id') id: string, @Req() req: Request): Promise<PaymentView> {
    const view = foldPaymentView(await this.stream(parsePaymentId(id), req));
    if (!view) throw new PaymentNotFoundError(id);
    return view;
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Events of one payment, in order, with revision and position' })
  @ApiResponse({ status: 404, description: 'payment_not_found' })
  async events(@Param('id') id: string, @Req() req: Request): Promise<EventView[]> {
    // Amounts an old stream holds in a provider's units read in ISO minor units; `correction` names the stored values.
    const upcaster = new StreamUpcaster();
    return (await this.stream(parsePaymentId(id), req)).map((stored) => {
      const { correction, ...event } = upcaster.corrected(stored);
      return correction ? { ...toEventView(event), correction } : toEventView(event);
    });
  }

  private async stream(paymentId: string, req: Request): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(paymentStreamId(paymentId));
    if (events.length === 0) throw new PaymentNotFoundError(paymentId);
    // PCI DSS 10.2: a read that decrypts personal data is named on the request's log line (actor, time, payment).
    if (events.some((e) => JSON.stringify([e.data, e.metadata]).includes('"pd1:'))) contextOf(req).personalDataRead = paymentId;
    // payments:read sees the plaintext; a forgotten customer's fields read as FORGOTTEN.
    const open = this.personalData.opener();
    return Promise.all(events.map((e) => openPersonalFields(e, open)));
  }
}
