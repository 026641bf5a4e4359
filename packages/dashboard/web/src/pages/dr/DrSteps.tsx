import { Alert, Bullseye, Content, Form, FormGroup, FormSelect, FormSelectOption, Radio, Spinner, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ActionPlan, WizardAction } from '../../../../src/shared/operations';
import { messageOf } from '../../api/client';
import { when } from '../ops/words';
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
      {action && plan.isError && (
        <Alert variant="danger" isInline title="This action cannot run now">
          {messageOf(plan.error)}
        </Alert>
      )}
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
        <Table aria-label="Recovery points" variant="compact">
          <Thead>
            <Tr>
              <Th screenReaderText="Choose" />
              <Th>Recovery point</Th>
              <Th>Created</Th>
              <Th>Completed</Th>
              <Th>Volumes</Th>
            </Tr>
          </Thead>
          <Tbody>
            {plan.recovery_points.map((r) => (
              <Tr key={r.id}>
                <Td>
                  <Radio id={`rp-${r.id}`} name="rp" aria-label={`Recovery point ${r.id}`} isChecked={choice.recoveryPoint === r.id} onChange={() => pick(r.id)} />
                </Td>
                <Td dataLabel="Recovery point">{r.id}</Td>
                <Td dataLabel="Created">{when(r.created_at)}</Td>
                <Td dataLabel="Completed">{when(r.completed_at)}</Td>
                <Td dataLabel="Volumes">{r.volumes.length}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
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
        <Table aria-label="Mappings" variant="compact">
          <Thead>
            <Tr>
              <Th>Kind</Th>
              <Th>On {plan.source_site}</Th>
              <Th>On {plan.target_site}</Th>
            </Tr>
          </Thead>
          <Tbody>
            {plan.mappings.map((m) => (
              <Tr key={`${m.kind}/${m.source_id}`}>
                <Td dataLabel="Kind">{m.kind.replace('_', ' ')}</Td>
                <Td dataLabel="Source">{named(m.source_name, m.source_id)}</Td>
                <Td dataLabel="Target">{named(m.target_name, m.target_id)}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
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
