import { Label, type LabelProps } from '@patternfly/react-core';

type Color = NonNullable<LabelProps['color']>;

// The API's words, each with a colour: green settled and good, blue moving, orange needs a look,
// red failed, grey nothing to say.
const COLORS: Record<string, Color> = {
  active: 'green',
  completed: 'green',
  in_sync: 'green',
  'IN SYNC': 'green',
  ready: 'green',
  creating: 'blue',
  failing_over: 'blue',
  failing_back: 'blue',
  testing: 'blue',
  running: 'blue',
  pending: 'grey',
  rolling_back: 'orange',
  deleting: 'blue',
  failed_over: 'purple',
  test_failed_over: 'teal',
  failed_over_partial: 'orange',
  partial: 'orange',
  rolled_back: 'orange',
  out_of_sync: 'orange',
  'OUT OF SYNC': 'orange',
  cancelled: 'grey',
  skipped: 'grey',
  error: 'red',
  failed: 'red',
  UNREACHABLE: 'red',
  down: 'red',
  up: 'green',
};

/** Transitional states: the tables poll fast while a row shows one. */
export const TRANSITIONAL = new Set(['creating', 'failing_over', 'failing_back', 'testing', 'deleting', 'running', 'pending', 'rolling_back']);

/** A state in the API's and CLI's words, with its colour (never colour alone). */
export function StatusLabel({ value }: { value: string }) {
  return (
    <Label color={COLORS[value] ?? 'grey'} isCompact>
      {value}
    </Label>
  );
}
