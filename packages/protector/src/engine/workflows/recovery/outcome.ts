/**
 * How a DR run ends: `partial` when `step` recorded servers that did not come up (an unplanned
 * failover or a drill carries on past them), else completed.
 */
export const partialWhenFailed =
  <K extends string>(step: K) =>
  (out: { readonly [k in K]?: { readonly failed?: readonly unknown[] } }): 'completed' | 'partial' => {
    const failed = out[step]?.failed;
    return failed && failed.length > 0 ? 'partial' : 'completed';
  };
