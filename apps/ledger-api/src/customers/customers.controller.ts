import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@ledger/event-store';
import { forgetCustomer, type ForgetResult } from '@ledger/payments-app';
import { customerIdSchema, DataKeyStore } from '@ledger/security';
import { RequireScope } from '../auth/require-scope.decorator';
import { validationFailed } from '../http/api-error';
import { CommandCtx } from '../payments/command-context.decorator';
import type { CommandContext } from '@ledger/payments-app';

@ApiTags('customers')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/customers')
export class CustomersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DataKeyStore) private readonly keys: DataKeyStore,
  ) {}

  @Post(':customerId/forget')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgets a customer: destroys their data key, so their encrypted fields read as forgotten everywhere' })
  async forget(@Param('customerId') raw: string, @CommandCtx() ctx: CommandContext): Promise<ForgetResult> {
    const parsed = customerIdSchema.safeParse(raw);
    if (!parsed.success) throw validationFailed([{ path: 'customerId', message: parsed.error.issues[0]?.message ?? 'invalid' }]);
    return forgetCustomer(this.store, this.keys, { customerId: parsed.data, actor: ctx.actor, correlationId: ctx.correlationId });
  }
}
