/**
 * The `protector` exit codes (documented in docs/cli.md): scripts tell a refused change from a
 * failed operation without parsing text.
 */
export const EXIT = {
  ok: 0,
  /** An error: the API refused the request, a resource was not found, a site could not be asked. */
  error: 1,
  /** Bad usage: unknown command or option, a missing or malformed argument (a change without --secondary-cloud). */
  usage: 2,
  /** An operation waited for (--wait) ended failed, rolled_back or cancelled. */
  operationFailed: 3,
  /** An operation waited for ended partial (some servers did not come up). */
  operationPartial: 4,
  /** A change was refused because the peer site is unreachable; nothing changed. */
  peerUnreachable: 5,
  /**
   * `--wait` stopped following an operation that had not finished: its site did not answer for
   * --wait-unreachable seconds, or --wait-timeout ran out. The operation may go on there.
   */
  waitAbandoned: 6,
} as const;

/** An error the CLI reports as one line with a chosen exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
