import { Alert, Form, FormGroup, TextInput } from '@patternfly/react-core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { PrecheckFinding } from '@protector/contract';
import type { ActionPlan, PrecheckAnswer } from '../../../../src/shared/operations';
import { DetailList } from '../../components/DetailList';
import { DryRunResult } from '../../components/DryRunResult';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FieldHelp } from '../../components/FieldHelp';
import { DR_ACTIONS, type DrChoice } from './actions';

function Findings({ title, rows }: { title: string; rows: PrecheckFinding[] }) {
  if (rows.length === 0) return null;
  return (
    <>
      <strong>{title}</strong>
      <ol>
        {rows.map((f, i) => (
          <li key={i}>
            {f.message} <small>({f.check}: {f.code})</small>
          </li>
        ))}
      </ol>
    </>
  );
}

/** Step 4: the pre-check on the site that would run it; every blocker listed, the wizard stops here until none is left. */
export function PrecheckStep({ check }: { check: UseQueryResult<PrecheckAnswer> }) {
  return (
    <DryRunResult check={check} running="Running the pre-check" failed="The pre-check could not run" again="Run the pre-check again">
      {({ site, precheck: r }) =>
        r.ok ? (
          <Alert variant="success" isInline title={`All ${r.checks.length} pre-checks passed on ${site}`}>
            <Findings title="Warnings" rows={r.warnings} />
          </Alert>
        ) : (
          <Alert variant="danger" isInline title={`${r.blockers.length} blocker${r.blockers.length === 1 ? '' : 's'} on ${site}: this action cannot start`}>
            <Findings title="Blockers" rows={r.blockers} />
            <Findings title="Warnings" rows={r.warnings} />
          </Alert>
        )
      }
    </DryRunResult>
  );
}

/** Step 5: what will happen, and the PG's name typed where the action loses data or moves the workload home. */
export function ConfirmStep({ plan, choice, typed, onTyped, error, waiting }: { plan: ActionPlan; choice: DrChoice; typed: string; onTyped: (v: string) => void; error: unknown; waiting: string | null }) {
  const info = DR_ACTIONS.find((x) => x.id === plan.action)!;
  const rp = plan.recovery_point === 'none' ? 'none' : (choice.recoveryPoint ?? `the newest${plan.recovery_points[0] ? ` (${plan.recovery_points[0].id})` : ''}`);
  return (
    <>
      <DetailList
        isCompact
        items={[
          ['Action', info.label],
          ['Protection group', plan.pg.name],
          ['Runs on', plan.target_site],
          ['Recovery point', rp],
          plan.action === 'test-failover' && ['Drill network', choice.network ?? 'an isolated network, created for the drill'],
          ['Data', plan.data_loss],
        ]}
      />
      {plan.confirm_required && (
        <Form onSubmit={(e) => e.preventDefault()} style={{ marginBlockStart: '1rem' }}>
          <FormGroup label={`Type ${plan.pg.name} to confirm`} fieldId="dr-confirm" isRequired>
            <TextInput id="dr-confirm" value={typed} onChange={(_e, v) => onTyped(v)} validated={typed && typed !== plan.pg.name ? 'error' : 'default'} />
            <FieldHelp help={typed === plan.pg.name ? 'Confirmed.' : `Start stays disabled until the protection group's name is typed exactly.`} />
          </FormGroup>
        </Form>
      )}
      {waiting && (
        <Alert variant="warning" isInline title="Start waits for the pre-check" style={{ marginBlockStart: '1rem' }}>
          {waiting}
        </Alert>
      )}
      <ErrorAlert error={error} title="Not started" />
    </>
  );
}
