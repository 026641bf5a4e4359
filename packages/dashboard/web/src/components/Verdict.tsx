import { Label } from '@patternfly/react-core';

/** A yes/no judgement in words and colour: green when good, red when not (never colour alone). */
export function Verdict({ ok, yes, no }: { ok: boolean; yes: string; no: string }) {
  return (
    <Label color={ok ? 'green' : 'red'} isCompact>
      {ok ? yes : no}
    </Label>
  );
}
