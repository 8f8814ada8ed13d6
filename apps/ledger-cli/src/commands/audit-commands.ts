import type { Command } from 'commander';
import type { CliIo } from '../io';
import { registerReplayCommand } from './audit-replay';
import { registerReportCommand } from './audit-report';
import { registerVerifyCommand } from './audit-verify';

/** `ledger audit …`: replay, verify, report. */
export function registerAuditCommands(program: Command, io: CliIo): void {
  const audit = program.command('audit').description("auditors' tools: replay the events, verify the books, the payment audit report");
  registerReplayCommand(audit, io);
  registerVerifyCommand(audit, io);
  registerReportCommand(audit, io);
}
