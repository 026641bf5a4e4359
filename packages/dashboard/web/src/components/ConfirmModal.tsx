import { Button, Form, FormGroup, Modal, ModalBody, ModalFooter, ModalHeader, TextInput } from '@patternfly/react-core';
import { useMutation } from '@tanstack/react-query';
import { useId, useState, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * "Delete X?" and the like: what it does, the name typed first where asked (the button stays
 * disabled until it matches), the call's error kept in the dialog; closed once the call succeeded.
 */
export function ConfirmModal({
  title,
  action = 'Delete',
  typeToConfirm,
  failed,
  onConfirm,
  onClose,
  children,
}: {
  title: string;
  action?: string;
  typeToConfirm?: string;
  /** The error's title: what did not happen. */
  failed: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  children: ReactNode;
}) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const run = useMutation({ mutationFn: onConfirm, onSuccess: onClose });
  const unconfirmed = typeToConfirm !== undefined && typed !== typeToConfirm;
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby={`${id}-title`}>
      <ModalHeader title={title} labelId={`${id}-title`} titleIconVariant="danger" />
      <ModalBody>
        {children}
        {typeToConfirm !== undefined && (
          <Form onSubmit={(e) => e.preventDefault()}>
            <FormGroup label={`Type ${typeToConfirm} to confirm`} fieldId={`${id}-typed`} isRequired>
              <TextInput id={`${id}-typed`} value={typed} onChange={(_e, v) => setTyped(v)} autoComplete="off" />
            </FormGroup>
          </Form>
        )}
        <ErrorAlert error={run.error} title={failed} />
      </ModalBody>
      <ModalFooter>
        <Button variant="danger" isDisabled={unconfirmed || run.isPending} isLoading={run.isPending} onClick={() => run.mutate()}>
          {action}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
