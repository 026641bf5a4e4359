import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from '@patternfly/react-core';
import { useState } from 'react';
import { messageOf } from '../../api/client';

/** "Delete X?" with what it does; the call's error stays in the dialog. */
export function ConfirmDelete({ what, detail, onDelete, onClose }: { what: string; detail: string; onDelete: () => Promise<void>; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onDelete();
      onClose();
    } catch (err) {
      setError(messageOf(err));
      setBusy(false);
    }
  };
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="confirm-delete-title">
      <ModalHeader title={`Delete ${what}?`} labelId="confirm-delete-title" titleIconVariant="danger" />
      <ModalBody>
        <p>{detail}</p>
        {error && <Alert variant="danger" isInline title="Nothing was deleted">{error}</Alert>}
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isLoading={busy} isDisabled={busy} onClick={() => void run()}>
          Delete
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
