import assert from "node:assert/strict";
import { featureSignal } from "../../partition/feature_signal.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";

Deno.test("featureSignal() shows neighbour aggregation beating raw features on the synthetic graph", () => {
  const ds = generateSynthetic({ scale: 0.01, seed: 3, quiet: true });
  const s = featureSignal(ds, 5000);
  assert.ok(s.raw > 0.3 && s.raw < 0.75, `raw accuracy ${s.raw}`);
  assert.ok(
    s.aggregated > s.raw + 0.1,
    `aggregated ${s.aggregated} vs raw ${s.raw}`,
  );
});

Deno.test("featureSignal() finds no gain when edges are random", () => {
  const ds = generateSynthetic({ scale: 0.01, seed: 3, quiet: true });
  const n = ds.graph.numNodes;
  const shuffled = ds.graph.indices.map((_, i) => (i * 7919 + 13) % n);
  const random = { ...ds, graph: { ...ds.graph, indices: shuffled } };
  const s = featureSignal(random, 5000);
  assert.ok(s.aggregated < s.raw, `aggregated ${s.aggregated} vs raw ${s.raw}`);
});
