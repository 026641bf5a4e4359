/** What a protector-manage subcommand prints on standard output, and the exit status it ends with. */
export interface CommandResult {
  readonly output: string;
  readonly exitCode: number;
}
