import assert from "node:assert/strict";
import { checkSeeds } from "../../engine/check_seeds.ts";

Deno.test("checkSeeds() accepts ids 0..numNodes-1 and an empty list", () => {
  checkSeeds(new Int32Array([0, 4, 2]), 5, "sample");
  checkSeeds(new Int32Array(0), 0, "sample");
});

Deno.test("checkSeeds() names the caller, the first bad id, its position and the graph's size", () => {
  assert.throws(
    () => checkSeeds(new Int32Array([1, 5, -1]), 5, "sample"),
    (e) =>
      e instanceof RangeError &&
      e.message === "sample: seed 5 at position 1 is not a node of the 5-node graph",
  );
  assert.throws(
    () => checkSeeds(new Int32Array([-1]), 5, "minibatch.produce"),
    /^RangeError: minibatch\.produce: seed -1 at position 0 /,
  );
});
