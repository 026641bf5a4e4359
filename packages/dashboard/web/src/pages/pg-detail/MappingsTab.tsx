import { ActionGroup, Alert, Button, Content, Form, FormSelect, FormSelectOption, HelperText, HelperTextItem, Label, TextInput } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState, type ReactNode } from 'react';
import type { MappingKind } from '@protector/contract';
import type { MappingInput, MappingsAnswer, MissingMapping, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton, changeBlock, ErrorAlert, fieldError, pgApi, useChange } from './common';

// Every kind the API takes (the Record makes the compiler name one left out).
const KIND_LABEL: Record<MappingKind, string> = {
  network: 'network',
  subnet: 'subnet',
  security_group: 'security group',
  flavor: 'flavor',
  image: 'image',
  availability_zone: 'availability zone',
  volume_type: 'volume type',
  keypair: 'keypair',
};
const KINDS = Object.keys(KIND_LABEL) as MappingKind[];
type Cell = 'kind' | 'source_site' | 'source_id' | 'target_id';

function MissingLabel({ m }: { m: MissingMapping }) {
  return (
    <>
      <Label color="orange" isCompact>
        missing
      </Label>{' '}
      {m.message}
    </>
  );
}

/** The editor: every row of the list, replaced as a whole on save; a missing mapping becomes a row to fill in. */
function Editor({ pg, d, onDone }: { pg: string; d: PgDetailView; onDone: () => void }) {
  const sites = d.metadata.sites.map((s) => s.site);
  const [rows, setRows] = useState<MappingInput[]>(() => d.resource_mappings.map((m) => ({ kind: m.kind, source_site: m.source_site ?? sites[0] ?? '', source_id: m.source_id, target_id: m.target_id })));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useChange(pg, (list: MappingInput[]) => api<MappingsAnswer>('PUT', pgApi(pg, '/resource-mappings'), { resource_mappings: list }));
  const server = fieldError(save.error);
  const errorAt = (i: number, c: Cell) => errors[`resource_mappings.${i}.${c}`] ?? (server?.field === `resource_mappings.${i}.${c}` ? server.reason : undefined);
  const set = (i: number, c: Cell, v: string) => setRows(rows.map((r, j) => (j === i ? { ...r, [c]: v } : r)));
  const unmapped = d.missing_mappings.filter((m) => !rows.some((r) => r.kind === m.kind && r.source_id === m.source_id));
  const submit = () => {
    const found: Record<string, string> = {};
    rows.forEach((r, i) => {
      for (const c of ['source_id', 'target_id'] as const) if (r[c].trim() === '') found[`resource_mappings.${i}.${c}`] = 'required';
    });
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(rows, { onSuccess: onDone });
  };
  const cell = (i: number, c: Cell, input: ReactNode) => (
    <>
      {input}
      {errorAt(i, c) && (
        <HelperText>
          <HelperTextItem variant="error">{errorAt(i, c)}</HelperTextItem>
        </HelperText>
      )}
    </>
  );
  return (
    <Form
      aria-label="Edit resource mappings"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {unmapped.map((m) => (
        <div key={`${m.kind}|${m.source_id}`}>
          <MissingLabel m={m} />{' '}
          <Button variant="link" isInline onClick={() => setRows([...rows, { kind: m.kind, source_site: m.source_site ?? sites[0] ?? '', source_id: m.source_id, target_id: '' }])}>
            Map it
          </Button>
        </div>
      ))}
      <Table aria-label="Mappings being edited" variant="compact">
        <Thead>
          <Tr>
            <Th>Kind</Th>
            <Th>Source site</Th>
            <Th>Source (id or name)</Th>
            <Th>Target on the other site</Th>
            <Th screenReaderText="Action" />
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((r, i) => (
            <Tr key={i}>
              <Td dataLabel="Kind">
                {cell(i, 'kind', <FormSelect value={r.kind} aria-label={`Kind of mapping ${i + 1}`} onChange={(_e, v) => set(i, 'kind', v)}>{KINDS.map((k) => <FormSelectOption key={k} value={k} label={KIND_LABEL[k]} />)}</FormSelect>)}
              </Td>
              <Td dataLabel="Source site">
                {cell(i, 'source_site', <FormSelect value={r.source_site} aria-label={`Source site of mapping ${i + 1}`} onChange={(_e, v) => set(i, 'source_site', v)}>{sites.map((s) => <FormSelectOption key={s} value={s} label={s} />)}</FormSelect>)}
              </Td>
              <Td dataLabel="Source">{cell(i, 'source_id', <TextInput value={r.source_id} aria-label={`Source of mapping ${i + 1}`} validated={errorAt(i, 'source_id') ? 'error' : 'default'} onChange={(_e, v) => set(i, 'source_id', v)} />)}</Td>
              <Td dataLabel="Target">{cell(i, 'target_id', <TextInput value={r.target_id} aria-label={`Target of mapping ${i + 1}`} validated={errorAt(i, 'target_id') ? 'error' : 'default'} onChange={(_e, v) => set(i, 'target_id', v)} />)}</Td>
              <Td dataLabel="Action">
                <Button variant="link" isDanger onClick={() => setRows(rows.filter((_r, j) => j !== i))} aria-label={`Remove mapping ${i + 1}`}>
                  Remove
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <div>
        <Button variant="secondary" onClick={() => setRows([...rows, { kind: 'network', source_site: d.protection_group.active_site ?? sites[0] ?? '', source_id: '', target_id: '' }])}>
          Add mapping
        </Button>
      </div>
      {save.error && !/^resource_mappings\.\d+\./.test(server?.field ?? '') && <ErrorAlert error={save.error} title="The mappings were not changed" />}
      <ActionGroup>
        <Button variant="primary" type="submit" isLoading={save.isPending} isDisabled={save.isPending}>
          Save
        </Button>
        <Button variant="link" onClick={onDone}>
          Cancel
        </Button>
      </ActionGroup>
    </Form>
  );
}

/** How this PG's resources on one site translate to the other; what a member uses with no counterpart is shown as missing. */
export function MappingsTab({ pg, d }: { pg: string; d: PgDetailView }) {
  const [editing, setEditing] = useState(false);
  if (editing) return <Editor pg={pg} d={d} onDone={() => setEditing(false)} />;
  const missing = d.missing_mappings;
  return (
    <>
      {d.mapping_check.error && (
        <Alert variant="warning" isInline title="Missing mappings could not be checked">
          {d.mapping_check.error}
        </Alert>
      )}
      {missing.length > 0 && (
        <Alert variant="warning" isInline title={`${missing.length} resource${missing.length === 1 ? '' : 's'} used by the members ${missing.length === 1 ? 'has' : 'have'} no mapping: a failover or drill would be refused`} />
      )}
      <Table aria-label="Resource mappings" variant="compact">
        <Thead>
          <Tr>
            <Th>Kind</Th>
            <Th>Source site</Th>
            <Th>Source</Th>
            <Th>Target</Th>
          </Tr>
        </Thead>
        <Tbody>
          {d.resource_mappings.map((m) => (
            <Tr key={`${m.kind}|${m.source_site_id}|${m.source_id}`}>
              <Td dataLabel="Kind">{KIND_LABEL[m.kind]}</Td>
              <Td dataLabel="Source site">{m.source_site ?? m.source_site_id}</Td>
              <Td dataLabel="Source">{m.source_id}</Td>
              <Td dataLabel="Target">{m.target_id}</Td>
            </Tr>
          ))}
          {missing.map((m) => (
            <Tr key={`missing|${m.kind}|${m.source_id}`} aria-label={`missing ${KIND_LABEL[m.kind]} mapping`}>
              <Td dataLabel="Kind">{KIND_LABEL[m.kind]}</Td>
              <Td dataLabel="Source site">{m.source_site ?? '-'}</Td>
              <Td dataLabel="Source">{m.source_id}</Td>
              <Td dataLabel="Target">
                <MissingLabel m={m} />
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {d.resource_mappings.length === 0 && missing.length === 0 && <Content component="p">No mappings: flavors, volume types, zones and keypairs of the same name are used on the other site.</Content>}
      <ActionButton label="Edit mappings" does="Change what this protection group's networks, subnets, flavors… are on the other site; the change is stored on both sites." blocked={changeBlock(d)} onClick={() => setEditing(true)} />
    </>
  );
}
