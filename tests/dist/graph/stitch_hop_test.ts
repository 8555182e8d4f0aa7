import assert from "node:assert/strict";
import { splitByPartition } from "../../../dist/graph/split_by_partition.ts";
import { stitchHop } from "../../../dist/graph/stitch_hop.ts";
import { rng } from "../../_random.ts";

Deno.test("stitchHop() undoes splitByPartition() for CSR-shaped answers", () => {
  const r = rng(3);
  const book = new Int32Array([0, 10, 20, 30]);
  const ids = Int32Array.from({ length: 40 }, () => Math.floor(r() * 30));
  // The "neighbours" of v are v*100 .. v*100 + (v % 4) - 1: easy to check after stitching.
  const neighboursOf = (v: number) => Array.from({ length: v % 4 }, (_, k) => v * 100 + k);
  const split = splitByPartition(ids, book);
  const parts = split.ids.map((partIds, p) => {
    const offsets = new Int32Array(partIds.length + 1);
    const flat: number[] = [];
    partIds.forEach((v, j) => {
      flat.push(...neighboursOf(v));
      offsets[j + 1] = flat.length;
    });
    return { positions: split.positions[p]!, offsets, neighbors: Int32Array.from(flat) };
  });
  const hop = stitchHop(ids.length, parts);
  for (let i = 0; i < ids.length; i++) {
    const got = [...hop.neighbors.subarray(hop.offsets[i]!, hop.offsets[i + 1]!)];
    assert.deepStrictEqual(got, neighboursOf(ids[i]!));
  }
  assert.equal(hop.offsets[ids.length], hop.neighbors.length);
});

Deno.test("stitchHop() rejects a missing, duplicated or inconsistent answer", () => {
  const one = (pos: number) => ({
    positions: new Int32Array([pos]),
    offsets: new Int32Array([0, 1]),
    neighbors: new Int32Array([7]),
  });
  assert.throws(() => stitchHop(2, [one(0)]), /no part answers position 1/);
  assert.throws(() => stitchHop(2, [one(0), one(0)]), /position 0.*answered twice/);
  assert.throws(() => stitchHop(1, [one(1)]), /position 1, which is outside/);
  assert.throws(
    () =>
      stitchHop(1, [{
        positions: new Int32Array([0]),
        offsets: new Int32Array([0, 2]),
        neighbors: new Int32Array([7]),
      }]),
    /ends its offsets at 2 but has 1 neighbours/,
  );
});
