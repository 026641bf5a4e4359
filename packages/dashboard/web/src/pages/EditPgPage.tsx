import { ActionGroup, Alert, Button, Content, Form, FormGroup, PageSection, TextArea, TextInput, Title } from '@patternfly/react-core';
import type { ProtectionGroup } from '@protector/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import type { PgUpdated } from '../../../src/shared/pg-lifecycle';
import { api, get } from '../api/client';
import { DeletePgModal } from '../components/DeletePgModal';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryState } from '../components/QueryState';
import { StatusLabel } from '../components/StatusLabel';
import { pgApi, pgPath } from '../domain/paths';

function EditForm({ pg, site }: { pg: ProtectionGroup; site: string }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [name, setName] = useState(pg.name);
  const [description, setDescription] = useState(pg.description);
  const [deleting, setDeleting] = useState(false);
  const change = { ...(name !== pg.name ? { name } : {}), ...(description !== pg.description ? { description } : {}) };
  const save = useMutation({
    mutationFn: () => api<PgUpdated>('PATCH', pgApi(pg.id), change),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['protection-groups'] });
      void navigate(pgPath(r.protection_group.name));
    },
  });
  const blocked = pg.status === 'deleting' ? 'it is being deleted' : null;
  const nameBad = name === '' ? 'A name is required.' : name.trim() !== name ? 'It must not start or end with a space.' : null;
  return (
    <>
      <Title headingLevel="h1">
        Edit {pg.name} <StatusLabel value={pg.status} />
      </Title>
      <Content component="p">
        Changed on {site}, then stored on the other site ({pg.replication_type} replication is fixed at creation).
      </Content>
      {blocked && (
        <Alert variant="warning" isInline title={`Nothing can be changed: ${blocked}`} />
      )}
      <Form onSubmit={(e) => e.preventDefault()}>
        <FormGroup label="Name" fieldId="edit-name" isRequired>
          <TextInput id="edit-name" value={name} onChange={(_e, v) => setName(v)} validated={nameBad ? 'error' : 'default'} />
          {nameBad && <Content component="small">{nameBad}</Content>}
        </FormGroup>
        <FormGroup label="Description" fieldId="edit-description">
          <TextArea id="edit-description" value={description} onChange={(_e, v) => setDescription(v)} maxLength={255} />
        </FormGroup>
        <ErrorAlert error={save.error} title="Not saved" />
        <ActionGroup>
          <Button variant="primary" isDisabled={!!blocked || !!nameBad || Object.keys(change).length === 0 || save.isPending} isLoading={save.isPending} onClick={() => save.mutate()}>
            Save
          </Button>
          <Button variant="link" onClick={() => void navigate(pgPath(pg.name))}>
            Cancel
          </Button>
        </ActionGroup>
      </Form>
      <Title headingLevel="h2" style={{ marginBlockStart: '2rem' }}>
        Delete
      </Title>
      <Content component="p">{blocked ? `Not now: ${blocked}.` : 'Stops protecting the servers: the array construct and Cinder groups go on both sites; servers and volumes stay.'}</Content>
      <Button variant="danger" isDisabled={!!blocked} onClick={() => setDeleting(true)}>
        Delete protection group
      </Button>
      {deleting && <DeletePgModal pg={pg} onClose={() => setDeleting(false)} />}
    </>
  );
}

/** A PG's name and description (what the API lets change), and its deletion. */
export function EditPgPage() {
  const { pg = '' } = useParams();
  const q = useQuery({ queryKey: ['pg-edit', pg], queryFn: () => get<PgUpdated>(pgApi(pg, '/edit')) });
  return (
    <PageSection>
      <QueryState q={q} what={`protection group ${pg}`}>
        {(v) => <EditForm key={v.protection_group.id} pg={v.protection_group} site={v.site} />}
      </QueryState>
    </PageSection>
  );
}
