import 'reflect-metadata';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';

@Module({})
class CliCommandsModule {
  static with(providers: Provider[]): DynamicModule {
    return { module: CliCommandsModule, imports: [CqrsModule.forRoot()], providers };
  }
}

/**
 * The CommandBus for a CLI command that issues commands, with the handlers and what they need as
 * `providers`: the same handlers as the API's, so the CLI decides nothing on a path of its own.
 */
export async function withCommandBus<T>(providers: Provider[], body: (bus: CommandBus) => Promise<T>): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliCommandsModule.with(providers), { logger: false, abortOnError: false });
  try {
    return await body(app.get(CommandBus));
  } finally {
    await app.close();
  }
}
