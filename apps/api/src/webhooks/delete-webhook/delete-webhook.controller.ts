import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Answers, Fails, Operation } from '../../http/openapi/answers';
import { DeleteWebhookCommand } from './delete-webhook.command';

/** Removes a webhook endpoint (admin): nothing more is delivered to it. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class DeleteWebhookController {
  constructor(private readonly commands: CommandBus) {}

  @Delete(':id')
  @HttpCode(204)
  @Operation('deleteWebhook', 'Remove an endpoint: nothing more is delivered to it')
  @Answers(204, 'Removed')
  @Fails(404, 'No active endpoint has this id')
  async remove(@Param('id') id: string): Promise<void> {
    await this.commands.execute(new DeleteWebhookCommand(id));
  }
}
