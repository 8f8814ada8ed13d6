export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
  /** Bulk output (replay) writes here with backpressure when given; tests leave it out and capture stdout(). */
  readonly out?: NodeJS.WritableStream;
  /** A terminal gets a progress bar; anything else gets plain progress lines. */
  readonly stderrStream?: NodeJS.WriteStream;
}

/** An expected failure: one line on stderr and this exit code, no stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
