/** Protector's policy engine: oslo.policy rule language, defaults in code, policy.yaml overrides. */
export { printRule, referencedRules, type Rule } from './ast.js';
export { evaluate, type Credentials, type Target, type TargetValue } from './checks.js';
export { BASE_RULES, DEFAULT_POLICIES, PROTECTOR_ACTIONS, PROTECTOR_POLICIES, type PolicyDefault, type PolicyOperation, type ProtectorAction } from './defaults.js';
export { Enforcer, type EffectiveRule, type EnforcerOptions } from './enforcer.js';
export {
  PolicyConfigError,
  PolicyFileError,
  PolicyNotAuthorized,
  PolicyNotRegistered,
  PolicySyntaxError,
  type PolicyIssue,
  type PolicyIssueKind,
} from './errors.js';
export { policyCheckCommand, policyListCommand, policySampleCommand, type ManageResult, type PolicyCommandOptions } from './manage.js';
export { parsePolicyDocument } from './policy-file.js';
export { parseRule } from './parser.js';
export { compilePolicy, type CompiledPolicy } from './rules.js';
export { policyList, policySample } from './sample.js';
