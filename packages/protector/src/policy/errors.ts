/** Errors of the policy engine. Messages follow the wording of oslo.policy-enforcing services. */

/** A rule string that is not valid oslo.policy syntax. `position` is a 0-based offset. */
export class PolicySyntaxError extends Error {
  override readonly name = 'PolicySyntaxError';
  constructor(
    readonly reason: string,
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
  }
}

export type PolicyIssueKind = 'syntax' | 'unknown_rule' | 'cycle' | 'invalid_value' | 'unregistered' | 'redundant';

/** One finding about a set of rules, always tied to the rule it concerns. */
export interface PolicyIssue {
  readonly rule: string;
  readonly kind: PolicyIssueKind;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export const formatIssue = (i: PolicyIssue): string => `${i.severity.toUpperCase()}: rule '${i.rule}': ${i.message}`;

/** A policy (defaults plus overrides) that cannot be enforced; `issues` says why, per rule. */
export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
  constructor(
    readonly source: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    super(`invalid policy in ${source}:\n${issues.map(formatIssue).join('\n')}`);
  }
}

/** A policy file that cannot be read as a YAML or JSON mapping at all. */
export class PolicyFileError extends Error {
  override readonly name = 'PolicyFileError';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The caller's credentials do not satisfy the rule; the API layer renders it as a 403. */
export class PolicyNotAuthorized extends Error {
  override readonly name = 'PolicyNotAuthorized';
  readonly status = 403;
  constructor(readonly rule: string) {
    super(`Policy doesn't allow ${rule} to be performed.`);
  }
}

/** `authorize()` of an action that has no registered default: a programming error, not a 403. */
export class PolicyNotRegistered extends Error {
  override readonly name = 'PolicyNotRegistered';
  constructor(readonly rule: string) {
    super(`Policy ${rule} has not been registered`);
  }
}
