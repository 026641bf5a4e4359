import { ActionGroup, Alert, Button, Form, FormGroup, TextInput } from '@patternfly/react-core';
import { useState } from 'react';
import type { Policy, RetentionSettings } from '@protector/contract';
import type { PgDetailView, PolicyAnswer } from '../../../../src/shared/pg-detail';
import { api } from '../../api/client';
import { ActionButton } from '../../components/ActionButton';
import { DetailList } from '../../components/DetailList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FieldHelp } from '../../components/FieldHelp';
import { pgApi } from '../../domain/paths';
import { changeBlock, fieldError, useChange } from './common';

/** The form's fields, by the API field each one sets (so a server error lands under its field). */
const FIELDS = [
  ['interval_minutes', 'Replication interval (minutes)', 'How often a snapshot is taken and replicated.'],
  ['rpo_minutes', 'RPO target (minutes)', 'The newest recovery point may be at most this old; not shorter than the interval.'],
  ['retention.source.all_for_sec', 'Source: keep every snapshot for (hours)', 'On the array running the workload.'],
  ['retention.source.per_day', 'Source: then keep per day', 'Snapshots kept a day after that.'],
  ['retention.source.days', 'Source: for days', 'How many days those are kept.'],
  ['retention.target.all_for_sec', 'Target: keep every snapshot for (hours)', 'On the other array: these are the recovery points.'],
  ['retention.target.per_day', 'Target: then keep per day', 'Recovery points kept a day after that.'],
  ['retention.target.days', 'Target: for days', 'How many days those are kept.'],
] as const;
type Field = (typeof FIELDS)[number][0];
type Values = Record<Field, string>;

const HOURS = (f: Field) => f.endsWith('all_for_sec');

function valuesOf(p: Policy | null): Values {
  const side = (r: RetentionSettings | undefined, which: 'source' | 'target') => ({
    [`retention.${which}.all_for_sec`]: r ? String(r.all_for_sec / 3600) : '',
    [`retention.${which}.per_day`]: r ? String(r.per_day) : '',
    [`retention.${which}.days`]: r ? String(r.days) : '',
  });
  return {
    interval_minutes: p ? String(p.interval_minutes) : '',
    rpo_minutes: p ? String(p.rpo_minutes) : '',
    ...side(p?.retention.source, 'source'),
    ...side(p?.retention.target, 'target'),
  } as Values;
}

/** The form's own checks, each naming its field; the server checks the ranges again. */
function check(v: Values): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  for (const [f] of FIELDS) {
    const n = Number(v[f]);
    if (v[f].trim() === '' || !Number.isFinite(n) || n < 0) errors[f] = HOURS(f) ? 'a number of hours, 0 or more' : 'a whole number, 0 or more';
    else if (!HOURS(f) && !Number.isInteger(n)) errors[f] = 'a whole number';
  }
  if (!errors.interval_minutes && Number(v.interval_minutes) < 1) errors.interval_minutes = 'at least 1 minute';
  if (!errors.rpo_minutes && !errors.interval_minutes && Number(v.rpo_minutes) < Number(v.interval_minutes)) {
    errors.rpo_minutes = `shorter than the interval (${v.interval_minutes} min): it could never be met`;
  }
  return errors;
}

function body(v: Values) {
  const side = (which: 'source' | 'target') => ({
    all_for_sec: Math.round(Number(v[`retention.${which}.all_for_sec`]) * 3600),
    per_day: Number(v[`retention.${which}.per_day`]),
    days: Number(v[`retention.${which}.days`]),
  });
  return { interval_minutes: Number(v.interval_minutes), rpo_minutes: Number(v.rpo_minutes), retention: { source: side('source'), target: side('target') } };
}

const retentionText = (r: RetentionSettings) => `every snapshot for ${r.all_for_sec / 3600} h, then ${r.per_day} a day for ${r.days} days`;

export function PolicyTab({ pg, d }: { pg: string; d: PgDetailView }) {
  const [editing, setEditing] = useState<Values | null>(null);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const save = useChange(pg, (v: Values) => api<PolicyAnswer>('PUT', pgApi(pg, '/policy'), body(v)));
  const p = d.policy;
  const server = fieldError(save.error);
  const errorOf = (f: Field) => errors[f] ?? (server?.field === f ? server.reason : undefined);

  if (!editing) {
    return (
      <>
        {save.data && !save.data.stored && (
          <Alert variant="warning" isInline title={`The policy was set on ${save.data.site}, not on the other site`}>
            {save.data.store_error}
          </Alert>
        )}
        <DetailList
          label="Policy details"
          items={[
            ['Replication interval', p ? `${p.interval_minutes} min` : 'not set'],
            ['RPO target', p ? `${p.rpo_minutes} min` : 'not set'],
            ['Retention on the source array', p ? retentionText(p.retention.source) : '-'],
            ['Retention on the target array', p ? retentionText(p.retention.target) : '-'],
          ]}
        />
        <ActionButton
          label="Edit policy"
          does="Change the replication interval, RPO target and retention; the change is made on one site and stored on the other."
          blocked={changeBlock(d)}
          onClick={() => {
            save.reset();
            setErrors({});
            setEditing(valuesOf(p));
          }}
        />
      </>
    );
  }

  const submit = () => {
    const found = check(editing);
    setErrors(found);
    if (Object.keys(found).length === 0) save.mutate(editing, { onSuccess: () => setEditing(null) });
  };
  return (
    <Form
      aria-label="Edit policy"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {FIELDS.map(([f, label, help]) => (
        <FormGroup key={f} label={label} fieldId={`policy-${f}`} isRequired>
          <TextInput id={`policy-${f}`} value={editing[f]} inputMode="decimal" validated={errorOf(f) ? 'error' : 'default'} onChange={(_e, v) => setEditing({ ...editing, [f]: v })} />
          <FieldHelp error={errorOf(f)} help={help} />
        </FormGroup>
      ))}
      {save.error && !FIELDS.some(([f]) => f === server?.field) && <ErrorAlert error={save.error} title="The policy was not changed" />}
      <ActionGroup>
        <Button variant="primary" type="submit" isLoading={save.isPending} isDisabled={save.isPending}>
          Save
        </Button>
        <Button variant="link" onClick={() => setEditing(null)}>
          Cancel
        </Button>
      </ActionGroup>
    </Form>
  );
}
