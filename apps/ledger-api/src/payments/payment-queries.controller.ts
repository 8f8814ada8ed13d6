import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, toEventView, type EventStore, type EventView, type RecordedEvent } from '@ledger/event-store';
import { openPersonalFields } from '@ledger/payments-app';
import { PaymentNotFoundError, paymentStreamId } from '@ledger/payments-domain';
import { PersonalDataCipher } from '@ledger/security';
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
  async payment(@Param('id') id: string): Promise<PaymentView> {
    const view = foldPaymentView(await this.stream(parsePaymentId(id)));
    if (!view) throw new PaymentNotFoundError(id);
    return view;
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Events of one payment, in order, with revision and position' })
  @ApiResponse({ status: 404, description: 'payment_not_found' })
  async events(@Param('id') id: string): Promise<EventView[]> {
    return (await this.stream(parsePaymentId(id))).map(toEventView);
  }

  private async stream(paymentId: string): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(paymentStreamId(paymentId));
    if (events.length === 0) throw new PaymentNotFoundError(paymentId);
    // payments:read sees the plaintext; a forgotten customer's fields read as FORGOTTEN.
    const open = this.personalData.opener();
    return Promise.all(events.map((e) => openPersonalFields(e, open)));
  }
}
