import assert from "node:assert/strict";
import { planFeatureRows } from "../../../dist/graph/plan_feature_rows.ts";
import { rng } from "../../_random.ts";

Deno.test("planFeatureRows() maps owned, cached and fetched ids to rows of the stacked table", () => {
  const book = new Int32Array([0, 5, 10, 15]);
  const cache = new Int32Array([0, 3, 12]); // rank 1 caches two rows of rank 0 and one of rank 2
  const ids = new Int32Array([7, 3, 14, 1, 12, 5, 14, 9, 2]);
  const plan = planFeatureRows(ids, book, 1, cache);
  // 5 owned rows, then 3 cached rows (5..7), then fetched from rank 0 (8..), then rank 2.
  assert.deepStrictEqual([...plan.fetch[0]!], [1, 2]);
  assert.deepStrictEqual([...plan.fetch[1]!], []);
  assert.deepStrictEqual([...plan.fetch[2]!], [14, 14]);
  assert.deepStrictEqual([...plan.rows], [2, 6, 10, 8, 7, 0, 11, 4, 9]);
  assert.deepStrictEqual([plan.local, plan.cached, plan.remote], [3, 2, 4]);
});

Deno.test("planFeatureRows() rows pick the right values from a host-side stacked table", () => {
  const r = rng(5);
  const book = new Int32Array([0, 40, 70, 100]);
  const rank = 2;
  const value = (id: number) => id * 10 + 1;
  const cache = new Int32Array([1, 5, 41, 60]);
  const ids = Int32Array.from({ length: 200 }, () => Math.floor(r() * 100));
  const plan = planFeatureRows(ids, book, rank, cache);
  const stacked: number[] = [];
  for (let id = book[rank]!; id < book[rank + 1]!; id++) stacked.push(value(id));
  for (const id of cache) stacked.push(value(id));
  for (const fetch of plan.fetch) for (const id of fetch) stacked.push(value(id));
  assert.deepStrictEqual([...plan.rows].map((row) => stacked[row]), [...ids].map(value));
  assert.equal(plan.local + plan.cached + plan.remote, ids.length);
});
