import { Button, Content, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { EligibleServersView } from '../../../../src/shared/pg-detail';
import { get } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FieldHelp } from '../../components/FieldHelp';
import { QueryState } from '../../components/QueryState';
import { StatusLabel } from '../../components/StatusLabel';
import { pgApi } from '../../domain/paths';
import { fieldError } from './common';

export interface AddServerProps {
  pg: string;
  pgName: string;
  onClose: () => void;
  onAdd: (serverId: string, bootOrder: number | undefined) => void;
  adding: boolean;
  error: unknown;
}

/** The tenant's servers on the site running the workload; those protector would refuse are shown disabled, with its reason. */
export function AddServerModal({ pg, pgName, onClose, onAdd, adding, error }: AddServerProps) {
  const q = useQuery({ queryKey: ['pg', pg, 'eligible-servers'], queryFn: () => get<EligibleServersView>(pgApi(pg, '/eligible-servers')) });
  const [boot, setBoot] = useState('');
  const bootError = boot !== '' && !/^\d+$/.test(boot) ? 'a whole number, 0 or more' : null;
  const serverError = fieldError(error);
  return (
    <Modal isOpen onClose={onClose} variant="large" aria-labelledby="add-server-title">
      <ModalHeader title={`Add a server to ${pgName}`} labelId="add-server-title" description="Its volumes join the protection group's Cinder group and array construct; its ports, flavor and image are recorded for failover." />
      <ModalBody>
        <Form onSubmit={(e) => e.preventDefault()}>
          <FormGroup label="Boot order" fieldId="boot-order">
            <TextInput id="boot-order" value={boot} onChange={(_e, v) => setBoot(v)} validated={bootError ? 'error' : 'default'} inputMode="numeric" />
            <FieldHelp error={bootError ?? (serverError?.field === 'boot_order' ? serverError.reason : null)} help="Lower tiers boot first on failover; empty: after the current last." />
          </FormGroup>
        </Form>
        <ErrorAlert error={error} title="The server was not added" />
        <QueryState q={q} what="the servers">
          {(v) => (
            <>
              <Content component="p">Servers of the project on {v.site}, where the workload runs.</Content>
              <DataTable
                label="Servers"
                rows={v.servers}
                rowKey={(s) => s.id}
                columns={[
                  {
                    title: 'Name',
                    cell: (s) => (
                      <>
                        {s.name}
                        <div>
                          <Content component="small">{s.id}</Content>
                        </div>
                      </>
                    ),
                  },
                  { title: 'Status', cell: (s) => <StatusLabel value={s.status} /> },
                  { title: 'Can it be added?', cell: (s) => (s.eligible ? 'yes' : `no: ${s.reason}`) },
                  {
                    title: 'Action',
                    hideTitle: true,
                    cell: (s) => (
                      <Button variant="secondary" size="sm" isDisabled={!s.eligible || adding || bootError !== null} aria-label={`Add ${s.name}`} onClick={() => onAdd(s.id, boot === '' ? undefined : Number(boot))}>
                        Add
                      </Button>
                    ),
                  },
                ]}
              />
              {v.servers.length === 0 && <Content component="p">The project has no servers on {v.site}.</Content>}
            </>
          )}
        </QueryState>
      </ModalBody>
      <ModalFooter>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
