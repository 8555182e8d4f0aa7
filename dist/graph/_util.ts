// Private helpers of the distributed sampler and feature store.

/** The connection to partition `p`, or a `RangeError` saying partition `own` has none. */
export function peerOf<P>(peers: readonly (P | undefined)[], p: number, own: number): P {
  const peer = peers[p];
  if (peer === undefined) {
    throw new RangeError(`partition ${own} has no connection to partition ${p}'s owner`);
  }
  return peer;
}
