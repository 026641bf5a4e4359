import { Alert, Button, Checkbox, Content, Form, FormGroup, FormSelect, FormSelectOption, Grid, GridItem, Radio, Switch, TextArea, TextInput } from '@patternfly/react-core';
import type { MappingKind, ReplicationType } from '@protector/contract';
import type { FormEvent } from 'react';
import type { PgChoices } from '../../../../src/shared/pg-lifecycle';
import { DataTable } from '../../components/DataTable';
import { FieldHelp } from '../../components/FieldHelp';
import { StatusLabel } from '../../components/StatusLabel';
import { kindLabel } from '../../domain/mapping-kinds';
import { nameProblem, policyProblem, type CreateForm } from './form';

export interface StepProps {
  form: CreateForm;
  set: (f: CreateForm) => void;
  choices: PgChoices;
}

const noSubmit = (e: FormEvent) => e.preventDefault();

export function NameStep({ form, set, choices }: StepProps) {
  const problem = form.name === '' ? null : nameProblem(form.name, choices);
  return (
    <Form onSubmit={noSubmit}>
      <FormGroup label="Name" fieldId="pg-name" isRequired>
        <TextInput id="pg-name" value={form.name} onChange={(_e, v) => set({ ...form, name: v })} validated={problem ? 'error' : 'default'} />
        <FieldHelp error={problem} />
      </FormGroup>
      <FormGroup label="Description" fieldId="pg-description">
        <TextArea id="pg-description" value={form.description} onChange={(_e, v) => set({ ...form, description: v })} maxLength={255} />
      </FormGroup>
    </Form>
  );
}

const TYPES: { id: ReplicationType; label: string; what: string }[] = [
  { id: 'async', label: 'Asynchronous', what: 'A FlashArray protection group: snapshots replicated at an interval; a failover brings up a recovery point (data since it is lost in an unplanned one).' },
  { id: 'sync', label: 'Synchronous', what: 'An ActiveCluster pod: every write on both arrays while the link is up; no data lost. Fixed at creation.' },
];

export function ReplicationStep({ form, set, choices }: StepProps) {
  const choose = (rt: ReplicationType) => {
    // Servers that cannot join a PG of the new type are dropped, not silently kept.
    const servers = Object.fromEntries(Object.entries(form.servers).filter(([id]) => choices.servers.find((s) => s.id === id)?.eligible[rt]));
    set({ ...form, replication_type: rt, servers });
  };
  return (
    <Form onSubmit={noSubmit}>
      <FormGroup role="radiogroup" label="Replication type" fieldId="pg-rt" isStack>
        {TYPES.filter((t) => choices.replication_types.includes(t.id)).map((t) => (
          <Radio key={t.id} id={`pg-rt-${t.id}`} name="pg-rt" label={t.label} description={t.what} isChecked={form.replication_type === t.id} onChange={() => choose(t.id)} />
        ))}
      </FormGroup>
    </Form>
  );
}

export function MembersStep({ form, set, choices }: StepProps) {
  const rt = form.replication_type;
  const toggle = (id: string, on: boolean) => {
    const servers = { ...form.servers };
    if (on) servers[id] = Object.keys(servers).length;
    else delete servers[id];
    set({ ...form, servers });
  };
  if (choices.servers.length === 0) return <Content component="p">The project has no servers on {choices.site}. The protection group can be created empty and servers added later.</Content>;
  return (
    <>
      <Content component="p">
        Servers of the project on {choices.site}. Those that cannot join a {rt} protection group are shown with the reason. Lower boot orders boot first on failover.
      </Content>
      <DataTable
        label="Servers"
        rows={choices.servers}
        rowKey={(s) => s.id}
        columns={[
          { title: 'Protect', hideTitle: true, cell: (s) => <Checkbox id={`srv-${s.id}`} aria-label={`Protect ${s.name}`} isChecked={s.id in form.servers} isDisabled={!s.eligible[rt]} onChange={(_e, v) => toggle(s.id, v)} /> },
          { title: 'Server', cell: (s) => s.name },
          { title: 'Status', cell: (s) => <StatusLabel value={s.status} /> },
          { title: 'Volume types', cell: (s) => s.volume_types.join(', ') || '-' },
          { title: 'Can it join?', cell: (s) => `${s.eligible[rt] ? 'Yes' : `No: ${s.reason[rt]}`}${s.eligible[rt] && s.note ? ` (${s.note})` : ''}` },
          {
            title: 'Boot order',
            cell: (s) =>
              s.id in form.servers && (
                <TextInput
                  type="number"
                  aria-label={`Boot order of ${s.name}`}
                  value={form.servers[s.id]}
                  onChange={(_e, v) => set({ ...form, servers: { ...form.servers, [s.id]: Math.max(0, Math.floor(Number(v) || 0)) } })}
                  style={{ maxWidth: '6rem' }}
                />
              ),
          },
        ]}
      />
    </>
  );
}

const NUMBERS: { key: keyof CreateForm['policy']; label: string }[] = [
  { key: 'interval', label: 'Replicate every (minutes)' },
  { key: 'rpo', label: 'RPO target (minutes)' },
  { key: 'hours', label: 'Keep every recovery point for (hours)' },
  { key: 'perDay', label: 'Then keep per day' },
  { key: 'days', label: 'For (days)' },
];

export function PolicyStep({ form, set }: StepProps) {
  const problem = policyProblem(form);
  return (
    <Form onSubmit={noSubmit}>
      <Switch id="pg-policy" label="Set the replication policy now (off: the service's default applies; it can be changed later)" isChecked={form.policyOn} onChange={(_e, v) => set({ ...form, policyOn: v })} />
      {form.policyOn && (
        <Grid hasGutter md={4}>
          {NUMBERS.map((n) => (
            <GridItem key={n.key}>
              <FormGroup label={n.label} fieldId={`pg-policy-${n.key}`}>
                <TextInput id={`pg-policy-${n.key}`} type="number" value={form.policy[n.key]} onChange={(_e, v) => set({ ...form, policy: { ...form.policy, [n.key]: Number(v) } })} />
              </FormGroup>
            </GridItem>
          ))}
        </Grid>
      )}
      <FieldHelp error={problem} />
    </Form>
  );
}

export function MappingsStep({ form, set, choices }: StepProps) {
  const kinds = choices.mapping_kinds;
  const lists = (k: MappingKind) => choices.resources[k] ?? { source: [], target: [] };
  const setRow = (i: number, row: CreateForm['mappings'][number]) => set({ ...form, mappings: form.mappings.map((m, j) => (j === i ? row : m)) });
  // Networks the chosen servers are on that no mapping covers yet: what a failover will need.
  const mapped = new Set(form.mappings.filter((m) => m.kind === 'network').map((m) => m.source_id));
  const needed = [...new Set(choices.servers.filter((s) => s.id in form.servers).flatMap((s) => s.network_ids))].filter((n) => !mapped.has(n));
  const netName = (id: string) => lists('network').source.find((n) => n.id === id)?.name ?? id;
  return (
    <Form onSubmit={noSubmit}>
      <Content component="p">
        What each resource on {choices.site} is on {choices.peer ?? 'the peer'} when the servers come up there. Mappings can also be set later.
      </Content>
      {needed.length > 0 && (
        <Alert variant="info" isInline title="Networks of the chosen servers without a mapping">
          {needed.map(netName).join(', ')}
        </Alert>
      )}
      {Object.entries(choices.resource_errors).map(([k, e]) => (
        <Alert key={k} variant="warning" isInline title={`The ${kindLabel(k)} list could not be read`}>
          {e}
        </Alert>
      ))}
      {form.mappings.map((m, i) => (
        <Grid hasGutter key={i}>
          <GridItem span={3}>
            <FormSelect aria-label={`Kind of mapping ${i + 1}`} value={m.kind} onChange={(_e, v) => setRow(i, { kind: v as MappingKind, source_id: '', target_id: '' })}>
              {kinds.map((k) => (
                <FormSelectOption key={k} value={k} label={kindLabel(k)} />
              ))}
            </FormSelect>
          </GridItem>
          {(['source', 'target'] as const).map((side) => (
            <GridItem span={4} key={side}>
              <FormSelect aria-label={`${side === 'source' ? 'Source' : 'Target'} of mapping ${i + 1}`} value={side === 'source' ? m.source_id : m.target_id} onChange={(_e, v) => setRow(i, side === 'source' ? { ...m, source_id: v } : { ...m, target_id: v })}>
                <FormSelectOption value="" label={`On ${side === 'source' ? choices.site : (choices.peer ?? 'the peer')}…`} isPlaceholder />
                {lists(m.kind)[side].map((r) => (
                  <FormSelectOption key={r.id} value={r.id} label={`${r.name}${r.detail ? ` (${r.detail})` : ''}`} />
                ))}
              </FormSelect>
            </GridItem>
          ))}
          <GridItem span={1}>
            <Button variant="link" isDanger onClick={() => set({ ...form, mappings: form.mappings.filter((_x, j) => j !== i) })} aria-label={`Remove mapping ${i + 1}`}>
              Remove
            </Button>
          </GridItem>
        </Grid>
      ))}
      <Button variant="secondary" onClick={() => set({ ...form, mappings: [...form.mappings, { kind: 'network', source_id: '', target_id: '' }] })}>
        Add a mapping
      </Button>
    </Form>
  );
}
