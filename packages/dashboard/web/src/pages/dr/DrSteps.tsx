import { Alert, Bullseye, Content, Form, FormGroup, FormSelect, FormSelectOption, Radio, Spinner, Title } from '@patternfly/react-core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ActionPlan, WizardAction } from '../../../../src/shared/operations';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { kindLabel } from '../../domain/mapping-kinds';
import { when } from '../../domain/time';
import { DR_ACTIONS, NO_RECOVERY_POINT, type DrChoice } from './actions';

/** Step 1: the action, each with what it does and what it means for data; then where it would run. */
export function ActionStep({ action, onAction, plan }: { action: WizardAction | null; onAction: (a: WizardAction) => void; plan: UseQueryResult<ActionPlan> }) {
  return (
    <Form onSubmit={(e) => e.preventDefault()}>
      <FormGroup role="radiogroup" label="Action" fieldId="dr-action" isStack>
        {DR_ACTIONS.map((a) => (
          <Radio
            key={a.id}
            id={`dr-action-${a.id}`}
            name="dr-action"
            label={a.label}
            isChecked={action === a.id}
            onChange={() => onAction(a.id)}
            description={
              <>
                {a.what} <strong>{a.data}</strong>
              </>
            }
          />
        ))}
      </FormGroup>
      {action && plan.isPending && (
        <Bullseye>
          <Spinner size="md" aria-label="Reading the plan" />
        </Bullseye>
      )}
      {action && <ErrorAlert error={plan.error} title="This action cannot run now" />}
      {action && plan.data && (
        <Alert variant="info" isInline title={`Runs on ${plan.data.target_site}${plan.data.source_site ? `, from ${plan.data.source_site}` : ''}`}>
          {plan.data.data_loss}
          {!plan.data.source_reachable && ` ${plan.data.source_site} does not answer.`}
        </Alert>
      )}
    </Form>
  );
}

/** Step 2: the recovery point: the newest by default, one to pick for point in time; none for the others, said why. */
export function RecoveryPointStep({ plan, choice, onChoice }: { plan: ActionPlan; choice: DrChoice; onChoice: (c: DrChoice) => void }) {
  if (plan.recovery_point === 'none') return <Content component="p">{NO_RECOVERY_POINT[plan.action] ?? 'This action takes no recovery point.'}</Content>;
  const pick = (id: string | null) => onChoice({ ...choice, recoveryPoint: id });
  return (
    <>
      <Content component="p">
        Last replicated: {when(plan.last_sync)}. Recovery points on {plan.target_site}, newest first.
        {plan.recovery_point === 'choose' ? ' Choose the one to go back to: everything written after it is lost.' : ' The newest is used unless you choose an older one.'}
      </Content>
      {plan.recovery_points.length === 0 && (
        <Alert variant="warning" isInline title="No recovery point has finished transferring yet">
          The pre-check says whether this action can run without one.
        </Alert>
      )}
      {plan.recovery_point === 'newest' && plan.recovery_points.length > 0 && (
        <Radio id="rp-newest" name="rp" label={`The newest (${plan.recovery_points[0]!.id}, completed ${when(plan.recovery_points[0]!.completed_at)})`} isChecked={choice.recoveryPoint === null} onChange={() => pick(null)} />
      )}
      {plan.recovery_points.length > 0 && (
        <DataTable
          label="Recovery points"
          rows={plan.recovery_points}
          rowKey={(r) => r.id}
          columns={[
            { title: 'Choose', hideTitle: true, cell: (r) => <Radio id={`rp-${r.id}`} name="rp" aria-label={`Recovery point ${r.id}`} isChecked={choice.recoveryPoint === r.id} onChange={() => pick(r.id)} /> },
            { title: 'Recovery point', cell: (r) => r.id },
            { title: 'Created', cell: (r) => when(r.created_at) },
            { title: 'Completed', cell: (r) => when(r.completed_at) },
            { title: 'Volumes', cell: (r) => r.volumes.length },
          ]}
        />
      )}
    </>
  );
}

const named = (name: string | null, id: string) => (name ? `${name} (${id})` : id);

/** Step 3: the mappings the action uses and the members it brings up; a drill's network. */
export function MappingsStep({ plan, choice, onChoice }: { plan: ActionPlan; choice: DrChoice; onChoice: (c: DrChoice) => void }) {
  return (
    <>
      {plan.action === 'test-failover' && (
        <Form onSubmit={(e) => e.preventDefault()}>
          <FormGroup label="Drill network" fieldId="dr-network">
            <FormSelect id="dr-network" value={choice.network ?? ''} onChange={(_e, v) => onChoice({ ...choice, network: v || null })}>
              <FormSelectOption value="" label={`An isolated network, created on ${plan.target_site} for the drill`} />
              {plan.target_networks.map((n) => (
                <FormSelectOption key={n.id} value={n.id} label={`${n.name} (${n.id})`} />
              ))}
            </FormSelect>
          </FormGroup>
        </Form>
      )}
      <Title headingLevel="h3">
        Mappings from {plan.source_site} to {plan.target_site}
      </Title>
      {plan.mappings.length === 0 ? (
        <Content component="p">No resource mappings: the pre-check says whether the servers need some.</Content>
      ) : (
        <DataTable
          label="Mappings"
          rows={plan.mappings}
          rowKey={(m) => `${m.kind}/${m.source_id}`}
          columns={[
            { title: 'Kind', cell: (m) => kindLabel(m.kind) },
            { title: `On ${plan.source_site}`, cell: (m) => named(m.source_name, m.source_id) },
            { title: `On ${plan.target_site}`, cell: (m) => named(m.target_name, m.target_id) },
          ]}
        />
      )}
      {plan.unmapped_networks.length > 0 && (
        <Alert variant="warning" isInline title="Networks of the members without a mapping">
          {plan.unmapped_networks.join(', ')}
          {plan.action === 'test-failover' && choice.network === null ? ': the drill puts them on its isolated network.' : ': the pre-check says whether this blocks the action.'}
        </Alert>
      )}
      <Title headingLevel="h3">Members, in boot order</Title>
      <Content component="ul">
        {plan.members.map((m) => (
          <Content component="li" key={m.server_id}>
            {m.name} (boot order {m.boot_order})
          </Content>
        ))}
      </Content>
    </>
  );
}
