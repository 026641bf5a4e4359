import { Alert, Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { useState } from 'react';
import { api, messageOf } from '../api/client';

/** What DELETE /api/protection-groups/:id answers: the site that runs the deletion and its operation. */
export interface Started {
  site: string;
  operation: { id: string };
}

/** Deleting a PG: the user types its name to confirm; the deletion is an operation, followed on its page. */
export function DeletePgModal({ pg, onClose, onStarted }: { pg: { id: string; name: string }; onClose: () => void; onStarted: (s: Started) => void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onStarted(await api<Started>('DELETE', `/api/protection-groups/${encodeURIComponent(pg.id)}`));
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="delete-pg-title">
      <ModalHeader title={`Delete protection group ${pg.name}?`} labelId="delete-pg-title" titleIconVariant="danger" />
      <ModalBody>
        <p>Its array construct and Cinder groups are deleted on both sites; the servers and their volumes are kept, unprotected.</p>
        {error && <Alert variant="danger" isInline title="The protection group was not deleted">{error}</Alert>}
        <Form onSubmit={(e) => e.preventDefault()}>
          <FormGroup label={`Type ${pg.name} to confirm`} fieldId="delete-pg-name">
            <TextInput id="delete-pg-name" value={typed} onChange={(_e, v) => setTyped(v)} autoComplete="off" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isDisabled={typed !== pg.name || busy} isLoading={busy} onClick={() => void confirm()}>
          Delete
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
