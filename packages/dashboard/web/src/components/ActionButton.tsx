import { Button, Content, type ButtonProps } from '@patternfly/react-core';
import { useId } from 'react';

/** An action with its one line: what it does, or why it cannot run now (never a silent grey). */
export function ActionButton({ label, does, blocked, onClick, variant = 'secondary', isLoading }: { label: string; does: string; blocked: string | null; onClick: () => void; variant?: ButtonProps['variant']; isLoading?: boolean }) {
  const id = useId();
  return (
    <div style={{ marginBlockEnd: 'var(--pf-t--global--spacer--sm)' }}>
      <Button variant={variant} isDisabled={blocked !== null || isLoading === true} isLoading={isLoading} onClick={onClick} aria-describedby={id}>
        {label}
      </Button>{' '}
      <Content component="small" id={id}>
        {blocked ? `Not now: ${blocked}` : does}
      </Content>
    </div>
  );
}
