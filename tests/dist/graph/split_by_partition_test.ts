import assert from "node:assert/strict";
import { splitByPartition } from "../../../dist/graph/split_by_partition.ts";
import { rng } from "../../_random.ts";

Deno.test("splitByPartition() groups ids by owner in request order with their positions", () => {
  const book = new Int32Array([0, 3, 3, 10]); // partition 1 owns nothing
  const split = splitByPartition(new Int32Array([9, 0, 3, 2, 9, 5]), book);
  assert.deepStrictEqual(split.ids.map((a) => [...a]), [[0, 2], [], [9, 3, 9, 5]]);
  assert.deepStrictEqual(split.positions.map((a) => [...a]), [[1, 3], [], [0, 2, 4, 5]]);
});

Deno.test("splitByPartition() agrees with a linear owner scan on random ids", () => {
  const r = rng(11);
  const book = new Int32Array([0, 17, 18, 60, 61, 100]);
  const ids = Int32Array.from({ length: 500 }, () => Math.floor(r() * 100));
  const split = splitByPartition(ids, book);
  const seen = new Set<number>();
  for (let p = 0; p < 5; p++) {
    const pos = [...split.positions[p]!];
    assert.deepStrictEqual(pos, [...pos].sort((a, b) => a - b));
    for (const [j, i] of pos.entries()) {
      assert.equal(split.ids[p]![j], ids[i]);
      assert.ok(book[p]! <= ids[i]! && ids[i]! < book[p + 1]!);
      seen.add(i);
    }
  }
  assert.equal(seen.size, ids.length);
});

Deno.test("splitByPartition() rejects an id owned by no partition, naming it", () => {
  const book = new Int32Array([0, 4, 8]);
  assert.throws(() => splitByPartition(new Int32Array([1, 8]), book), /id 8 at position 1/);
  assert.throws(() => splitByPartition(new Int32Array([-1]), book), /id -1 at position 0/);
});
