import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ForgetCustomerCommand, type ForgetResult } from '@ledger/payments-app';
import { classifyCustomerId, CUSTOMER_ID_OR_PERSONAL_RULE } from '@ledger/security';
import { RequireScope } from '../auth/require-scope.decorator';
import { validationFailed } from '../http/api-error';
import { Caller, type CommandCaller } from '../payments/command-context.decorator';

@ApiTags('customers')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly bus: CommandBus) {}

  @Post(':customerId/forget')
  @HttpCode(200)
  @ApiOperation({ summary: 'Forgets a customer: destroys their data key, so their encrypted fields read as forgotten everywhere' })
  async forget(@Param('customerId') raw: string, @Caller() { context }: CommandCaller): Promise<ForgetResult> {
    // As the customer was given (issue 29, case 1): a plain id, or the e-mail, phone number or name whose token the forget derives.
    if (classifyCustomerId(raw) === 'invalid') throw validationFailed([{ path: 'customerId', message: CUSTOMER_ID_OR_PERSONAL_RULE }]);
    return this.bus.execute(new ForgetCustomerCommand(raw, context.actor, context.correlationId));
  }
}
