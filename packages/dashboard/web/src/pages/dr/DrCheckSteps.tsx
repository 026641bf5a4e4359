import {
  Alert,
  Bullseye,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  HelperText,
  HelperTextItem,
  Spinner,
  TextInput,
} from '@patternfly/react-core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { PrecheckFinding } from '@protector/contract';
import type { ActionPlan, PrecheckAnswer } from '../../../../src/shared/operations';
import { messageOf } from '../../api/client';
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
  const again = (
    <Button variant="secondary" onClick={() => void check.refetch()} isDisabled={check.isFetching}>
      Run the pre-check again
    </Button>
  );
  if (check.isFetching && !check.data) {
    return (
      <Bullseye>
        <Spinner aria-label="Running the pre-check" />
      </Bullseye>
    );
  }
  if (check.isError) {
    return (
      <>
        <Alert variant="danger" isInline title="The pre-check could not run">
          {messageOf(check.error)}
        </Alert>
        {again}
      </>
    );
  }
  const a = check.data;
  if (!a) return null;
  const r = a.precheck;
  return (
    <>
      {r.ok ? (
        <Alert variant="success" isInline title={`All ${r.checks.length} pre-checks passed on ${a.site}`}>
          <Findings title="Warnings" rows={r.warnings} />
        </Alert>
      ) : (
        <Alert variant="danger" isInline title={`${r.blockers.length} blocker${r.blockers.length === 1 ? '' : 's'} on ${a.site}: this action cannot start`}>
          <Findings title="Blockers" rows={r.blockers} />
          <Findings title="Warnings" rows={r.warnings} />
        </Alert>
      )}
      {again}
    </>
  );
}

/** Step 5: what will happen, and the PG's name typed where the action loses data or moves the workload home. */
export function ConfirmStep({ plan, choice, typed, onTyped, error, waiting }: { plan: ActionPlan; choice: DrChoice; typed: string; onTyped: (v: string) => void; error: unknown; waiting: string | null }) {
  const info = DR_ACTIONS.find((x) => x.id === plan.action)!;
  const rp = plan.recovery_point === 'none' ? 'none' : (choice.recoveryPoint ?? `the newest${plan.recovery_points[0] ? ` (${plan.recovery_points[0].id})` : ''}`);
  return (
    <>
      <DescriptionList isHorizontal isCompact>
        <DescriptionListGroup>
          <DescriptionListTerm>Action</DescriptionListTerm>
          <DescriptionListDescription>{info.label}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Protection group</DescriptionListTerm>
          <DescriptionListDescription>{plan.pg.name}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Runs on</DescriptionListTerm>
          <DescriptionListDescription>{plan.target_site}</DescriptionListDescription>
        </DescriptionListGroup>
        <DescriptionListGroup>
          <DescriptionListTerm>Recovery point</DescriptionListTerm>
          <DescriptionListDescription>{rp}</DescriptionListDescription>
        </DescriptionListGroup>
        {plan.action === 'test-failover' && (
          <DescriptionListGroup>
            <DescriptionListTerm>Drill network</DescriptionListTerm>
            <DescriptionListDescription>{choice.network ?? 'an isolated network, created for the drill'}</DescriptionListDescription>
          </DescriptionListGroup>
        )}
        <DescriptionListGroup>
          <DescriptionListTerm>Data</DescriptionListTerm>
          <DescriptionListDescription>{plan.data_loss}</DescriptionListDescription>
        </DescriptionListGroup>
      </DescriptionList>
      {plan.confirm_required && (
        <Form onSubmit={(e) => e.preventDefault()} style={{ marginBlockStart: '1rem' }}>
          <FormGroup label={`Type ${plan.pg.name} to confirm`} fieldId="dr-confirm" isRequired>
            <TextInput id="dr-confirm" value={typed} onChange={(_e, v) => onTyped(v)} validated={typed && typed !== plan.pg.name ? 'error' : 'default'} />
            <HelperText>
              <HelperTextItem>{typed === plan.pg.name ? 'Confirmed.' : `Start stays disabled until the protection group's name is typed exactly.`}</HelperTextItem>
            </HelperText>
          </FormGroup>
        </Form>
      )}
      {waiting && (
        <Alert variant="warning" isInline title="Start waits for the pre-check" style={{ marginBlockStart: '1rem' }}>
          {waiting}
        </Alert>
      )}
      {error !== null && error !== undefined && (
        <Alert variant="danger" isInline title="Not started" style={{ marginBlockStart: '1rem' }}>
          {messageOf(error)}
        </Alert>
      )}
    </>
  );
}
