import assert from "node:assert/strict";
import type { Device } from "../../../engine/device.ts";
import { excludePairs } from "../../../engine/exclude_pairs.ts";
import excludePairsCountKernel from "../../../engine/kernels/exclude_pairs_count.ts";
import exclusiveScanKernel from "../../../engine/kernels/exclusive_scan.ts";
import { linkTarget } from "../../../engine/link_target.ts";
import { rng, withDevices } from "../../_devices.ts";
import { type HostBlock, randomBlock, uploadBlock } from "../_blocks.ts";
import { runKernel } from "../_run_kernel.ts";

/** Random positive pairs among the first `rows` local ids, as a link target's exclusion list. */
function randomExclusion(rows: number, pairs: number, seed: number) {
  const r = rng(seed);
  const source = Int32Array.from({ length: pairs }, () => Math.floor(r() * rows));
  const target = Int32Array.from({ length: pairs }, () => Math.floor(r() * rows));
  const ids = Int32Array.from({ length: pairs }, (_, i) => i);
  // Node ids equal to rows: linkTarget numbers rows by first appearance, so map back.
  const t = linkTarget({ source, target }, ids, rows, { mode: "binary", ratio: 0 }, seed);
  const pairsOut = new Set<string>();
  for (let p = 0; p < pairs; p++) {
    const a = t.target[p]!, b = t.target[pairs + p]!;
    pairsOut.add(`${a},${b}`).add(`${b},${a}`);
  }
  return { exclusion: t.exclusion, rows: t.nodes.length, pairs: pairsOut };
}

/** The block's CSR without the excluded pairs, in plain TypeScript. */
function excluded64(b: HostBlock, pairs: Set<string>) {
  const indptr = [0], indices: number[] = [];
  for (let d = 0; d < b.numDst; d++) {
    for (let e = b.indptr[d]!; e < b.indptr[d + 1]!; e++) {
      if (!pairs.has(`${d},${b.indices[e]}`)) indices.push(b.indices[e]!);
    }
    indptr.push(indices.length);
  }
  return { indptr, indices };
}

async function check(device: Device, b: HostBlock, x: ReturnType<typeof randomExclusion>) {
  const want = excluded64(b, x.pairs);
  // The count kernel alone, with poisoned counts.
  const got = await runKernel(device, excludePairsCountKernel, {
    indptr: b.indptr,
    indices: b.indices,
    excl: x.exclusion,
    counts: b.numDst,
  }, { num_dst: b.numDst, num_rows: x.rows });
  assert.deepEqual(
    Array.from(got.counts),
    want.indptr.slice(1).map((v, d) => v - want.indptr[d]!),
  );
  // Count, scan and fill through excludePairs (uninitialised outputs are poisoned).
  const block = uploadBlock(device, b);
  const excl = device.createBuffer(x.exclusion.byteLength, "excl");
  device.write(excl, x.exclusion);
  const out = await excludePairs(device, [block], excl, x.rows);
  const ob = out.blocks[0]!;
  assert.equal(ob.numEdges, want.indices.length);
  assert.equal(ob.numDst, b.numDst);
  assert.equal(ob.numSrc, b.numSrc);
  assert.deepEqual(Array.from(await device.read(ob.indptr, "i32", 0, b.numDst + 1)), want.indptr);
  if (want.indices.length > 0) {
    const indices = await device.read(ob.indices, "i32", 0, want.indices.length);
    assert.deepEqual(Array.from(indices), want.indices);
  }
  out.release();
  block.release();
  device.release(excl);
  return got.counts;
}

Deno.test("exclude_pairs count and fill take out exactly the excluded pairs, both ways, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    for (
      const [numDst, numSrc, degree, rows, pairs, seed] of [
        [500, 1500, 12, 300, 400, 1],
        [40, 60, 30, 40, 200, 2], // dense: many edges excluded
        [7, 9, 4, 3, 2, 3],
        [5, 5, 0, 5, 3, 4], // no edges at all
      ] as const
    ) {
      const b = randomBlock(numDst, numSrc, degree, seed);
      // Make some edges hit the excluded pairs: half of the first rows' sources below `rows`.
      const r = rng(seed + 10);
      const x = randomExclusion(rows, pairs, seed);
      for (let e = 0; e < b.indices.length; e++) {
        if (r() < 0.5) b.indices[e] = Math.floor(r() * Math.min(x.rows, numSrc));
      }
      const onCpu = await check(cpu, b, x);
      if (gpu) assert.deepEqual(await check(gpu, b, x), onCpu);
    }
  });
});

Deno.test("exclusive_scan after exclude_pairs_count gives the total past the last row", async () => {
  await withDevices(async (cpu) => {
    const got = await runKernel(cpu, exclusiveScanKernel, { data: new Int32Array([2, 0, 3, 9]) }, {
      n: 3,
    });
    assert.deepEqual(Array.from(got.data), [0, 2, 2, 5]);
  });
});
