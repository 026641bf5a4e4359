import { ActionGroup, Alert, Button, Content, Form, FormSelect, FormSelectOption, Label, TextInput } from '@patternfly/react-core';
import { useState, type ReactNode } from 'react';
import type { MappingInput, MappingsAnswer, MissingMapping, PgDetailView } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton } from '../../components/ActionButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FieldHelp } from '../../components/FieldHelp';
import { kindLabel, MAPPING_KINDS } from '../../domain/mapping-kinds';
import { pgApi } from '../../domain/paths';
import { changeBlock, fieldError, useChange } from './common';

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

/** A network mapping's re-IP rules, one a line in the CLI's notation, first match first (docs/re-ip.md). */
function RuleLines({ lines }: { lines: string[] }) {
  if (lines.length === 0) return null;
  return (
    <ol aria-label="Re-IP rules" className="pf-v6-u-m-0 pf-v6-u-pl-md">
      {lines.map((l) => (
        <li key={l}>
          <code>{l}</code>
        </li>
      ))}
    </ol>
  );
}

/** The editor: every row of the list, replaced as a whole on save; a missing mapping becomes a row to fill in. */
function Editor({ pg, d, onDone }: { pg: string; d: PgDetailView; onDone: () => void }) {
  const sites = d.metadata.sites.map((s) => s.site);
  // A network's re-IP rules ride along unchanged (set with `protector mapping set --reip`).
  const [rows, setRows] = useState<MappingInput[]>(() => d.resource_mappings.map((m) => ({ kind: m.kind, source_site: m.source_site ?? sites[0] ?? '', source_id: m.source_id, target_id: m.target_id, ...(m.reip_rules ? { reip_rules: m.reip_rules } : {}) })));
  const rulesText = (r: MappingInput) => d.resource_mappings.find((m) => m.reip_rules === r.reip_rules)?.reip_rules_text ?? [];
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
      <FieldHelp error={errorAt(i, c)} />
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
      <DataTable
        label="Mappings being edited"
        rows={rows}
        rowKey={(_r, i) => i}
        columns={[
          { title: 'Kind', cell: (r, i) => cell(i, 'kind', <FormSelect value={r.kind} aria-label={`Kind of mapping ${i + 1}`} onChange={(_e, v) => set(i, 'kind', v)}>{MAPPING_KINDS.map((k) => <FormSelectOption key={k} value={k} label={kindLabel(k)} />)}</FormSelect>) },
          { title: 'Source site', cell: (r, i) => cell(i, 'source_site', <FormSelect value={r.source_site} aria-label={`Source site of mapping ${i + 1}`} onChange={(_e, v) => set(i, 'source_site', v)}>{sites.map((x) => <FormSelectOption key={x} value={x} label={x} />)}</FormSelect>) },
          { title: 'Source (id or name)', cell: (r, i) => cell(i, 'source_id', <TextInput value={r.source_id} aria-label={`Source of mapping ${i + 1}`} validated={errorAt(i, 'source_id') ? 'error' : 'default'} onChange={(_e, v) => set(i, 'source_id', v)} />) },
          { title: 'Target on the other site', cell: (r, i) => cell(i, 'target_id', <TextInput value={r.target_id} aria-label={`Target of mapping ${i + 1}`} validated={errorAt(i, 'target_id') ? 'error' : 'default'} onChange={(_e, v) => set(i, 'target_id', v)} />) },
          { title: 'Re-IP rules (kept)', cell: (r) => <RuleLines lines={rulesText(r)} /> },
          {
            title: 'Action',
            hideTitle: true,
            cell: (_r, i) => (
              <Button variant="link" isDanger onClick={() => setRows(rows.filter((_x, j) => j !== i))} aria-label={`Remove mapping ${i + 1}`}>
                Remove
              </Button>
            ),
          },
        ]}
      />
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
  // The mappings, then what the members use that has none.
  const shown = [
    ...d.resource_mappings.map((m) => ({ key: `${m.kind}|${m.source_site_id}|${m.source_id}`, kind: m.kind, site: m.source_site ?? m.source_site_id, source: m.source_id, target: m.target_id as ReactNode, rules: m.reip_rules_text ?? [], missing: false })),
    ...missing.map((m) => ({ key: `missing|${m.kind}|${m.source_id}`, kind: m.kind, site: m.source_site ?? '-', source: m.source_id, target: <MissingLabel m={m} />, rules: [], missing: true })),
  ];
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
      <DataTable
        label="Resource mappings"
        rows={shown}
        rowKey={(r) => r.key}
        rowLabel={(r) => (r.missing ? `missing ${kindLabel(r.kind)} mapping` : undefined)}
        columns={[
          { title: 'Kind', cell: (r) => kindLabel(r.kind) },
          { title: 'Source site', cell: (r) => r.site },
          { title: 'Source', cell: (r) => r.source },
          { title: 'Target', cell: (r) => r.target },
          { title: 'Re-IP rules', cell: (r) => <RuleLines lines={r.rules} /> },
        ]}
      />
      {d.resource_mappings.length === 0 && missing.length === 0 && <Content component="p">No mappings: flavors, volume types, zones and keypairs of the same name are used on the other site.</Content>}
      <ActionButton label="Edit mappings" does="Change what this protection group's networks, subnets, flavors… are on the other site; the change is stored on both sites." blocked={changeBlock(d)} onClick={() => setEditing(true)} />
    </>
  );
}
