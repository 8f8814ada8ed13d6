import type { Command } from 'commander';
import { createPool, loadConfig, resolveInfrastructure } from '@ledger/platform';
import { createApiKey, parseScopes, UnknownScopeError } from '@ledger/security';
import { CliError, type CliIo } from '../io';

/** `ledger api-keys create --scopes a,b [--name n]`: the key alone on stdout, once. */
export function registerApiKeyCommands(program: Command, io: CliIo): void {
  const apiKeys = program.command('api-keys').description('manage API keys');
  apiKeys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--scopes <list>', 'comma-separated: payments:write, payments:read, dashboard:read, audit:read, admin')
    .option('--name <name>', 'who or what the key is for', 'unnamed')
    .action(async (options: { scopes: string; name: string }) => {
      let scopes;
      try {
        scopes = parseScopes(options.scopes);
      } catch (error) {
        if (error instanceof UnknownScopeError) throw new CliError(error.message, 2);
        throw error;
      }
      if (scopes.length === 0) throw new CliError('--scopes needs at least one scope', 2);
      const config = loadConfig(io.env);
      const infrastructure = await resolveInfrastructure(config, { redis: false });
      const pool = createPool(infrastructure.databaseUrl, { max: 1 });
      try {
        const { id, key } = await createApiKey(pool, { name: options.name, scopes });
        io.stderr(`created API key ${id} (${options.name}) with scopes ${scopes.join(',')}; it is shown only once\n`);
        io.stdout(`${key}\n`);
      } finally {
        await pool.end();
        await infrastructure.stop();
      }
    });
}
