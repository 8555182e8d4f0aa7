import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { LinkMinibatchSource } from "../../engine/link_minibatch_source.ts";
import { linkTarget } from "../../engine/link_target.ts";
import type { MinibatchSource } from "../../engine/minibatch_source.ts";
import { ThreadedMinibatchSource } from "../../engine/threaded_minibatch_source.ts";
import { withDevices } from "../_devices.ts";
import { plantedGraph, plantedSource } from "./_link_graph.ts";

const graph = plantedGraph({
  communities: 3,
  size: 20,
  inside: 8,
  outside: 2,
  dim: 4,
  signal: 1,
  testShare: 0,
  seed: 7,
});
const numEdges = graph.train.source.length;
// Full fan-outs: every neighbour is sampled, so the blocks are exactly known.
const FANOUTS = [64, 64];

/** A batch's blocks as sets of global `dst,src` edges, its target and its node list. */
async function batchOf(device: Device, exclude: boolean, ids: Int32Array, seed: number) {
  const { source, release } = plantedSource(device, graph, FANOUTS);
  const links = new LinkMinibatchSource(device, source, graph.train, {
    numNodes: graph.numNodes,
    firstEdge: 1000,
    negatives: { mode: "triplet", ratio: 2 },
    exclude,
  });
  const batch = await links.next(ids.map((e) => e + 1000), seed);
  try {
    const nodes = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
    const blocks = [];
    for (const b of batch.blocks) {
      const indptr = await device.read(b.indptr, "i32", 0, b.numDst + 1);
      const indices = b.numEdges > 0 ? await device.read(b.indices, "i32", 0, b.numEdges) : [];
      assert.equal(indptr[b.numDst], b.numEdges);
      const edges: string[] = [];
      for (let d = 0; d < b.numDst; d++) {
        for (let e = indptr[d]!; e < indptr[d + 1]!; e++) {
          edges.push(`${nodes[d]},${nodes[indices[e]!]}`);
        }
      }
      blocks.push(edges);
    }
    const target = await device.read(batch.target!.buffer, "i32");
    return { blocks, nodes: Array.from(nodes), target, count: batch.target!.count };
  } finally {
    batch.release();
    release();
  }
}

Deno.test("LinkMinibatchSource takes a minibatch's own edges and their reverses out of its blocks, and nothing else", async () => {
  await withDevices(async (cpu, gpu) => {
    const ids = new Int32Array([0, 5, 17, numEdges - 1, 40, 41, 42]);
    const own = new Set<string>();
    for (const e of ids) {
      const s = graph.train.source[e]!, t = graph.train.target[e]!;
      own.add(`${s},${t}`).add(`${t},${s}`);
    }
    const kept = await batchOf(cpu, true, ids, 3);
    const all = await batchOf(cpu, false, ids, 3);
    assert.deepEqual(kept.nodes.slice(0, 10), all.nodes.slice(0, 10));
    let removed = 0;
    kept.blocks.forEach((edges, l) => {
      const have = new Set(edges);
      for (const e of edges) assert.ok(!own.has(e), `block ${l} still has the batch's edge ${e}`);
      for (const e of all.blocks[l]!) {
        if (own.has(e)) removed++;
        else assert.ok(have.has(e), `block ${l} lost the edge ${e}, not the batch's`);
      }
      assert.equal(edges.length, all.blocks[l]!.filter((e) => !own.has(e)).length);
    });
    assert.ok(removed >= 2 * ids.length, `${removed} edges excluded`);
    // Pairs: 7 positives and 2 triplet negatives each, sharing their positive's source.
    assert.equal(kept.count, 21);
    const p = kept.count, t = kept.target;
    for (let j = 0; j < 14; j++) assert.equal(t[7 + j], t[Math.floor(j / 2)]);
    assert.deepEqual(Array.from(t.subarray(2 * p, 3 * p)), [
      ...Array(7).fill(1),
      ...Array(14).fill(0),
    ]);
    if (gpu) {
      const onGpu = await batchOf(gpu, true, ids, 3);
      assert.deepEqual(onGpu, kept, "the same minibatch on WebGPU");
    }
  });
});

Deno.test("linkTarget() draws the same negatives for the same seed and others for another", () => {
  const ids = Int32Array.from({ length: 30 }, (_, i) => i);
  const binary = { mode: "binary", ratio: 3 } as const;
  const a = linkTarget(graph.train, ids, graph.numNodes, binary, 5);
  const b = linkTarget(graph.train, ids, graph.numNodes, binary, 5);
  const c = linkTarget(graph.train, ids, graph.numNodes, binary, 6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.target, c.target);
  assert.equal(a.numPairs, 120);
  assert.equal(a.numPositive, 30);
  assert.equal(new Set(a.nodes).size, a.nodes.length);
});

Deno.test("LinkMinibatchSource and linkTarget reject edge ids and endpoints out of range", async () => {
  await withDevices(async (cpu) => {
    const { source, release } = plantedSource(cpu, graph, FANOUTS);
    try {
      const links = new LinkMinibatchSource(cpu, source, graph.train, {
        numNodes: graph.numNodes,
        firstEdge: 10,
      });
      await assert.rejects(links.next(new Int32Array([9]), 1), /edge -1 of \d+/);
      await assert.rejects(links.next(new Int32Array([10 + numEdges]), 1), /edge \d+ of \d+/);
      const bad = { source: new Int32Array([0]), target: new Int32Array([graph.numNodes]) };
      assert.throws(
        () => linkTarget(bad, new Int32Array([0]), graph.numNodes, { mode: "binary", ratio: 1 }, 1),
        /node 60 of 60 in a link pair/,
      );
      assert.throws(
        () =>
          new LinkMinibatchSource(cpu, source, {
            source: new Int32Array(2),
            target: new Int32Array(1),
          }, {
            numNodes: 3,
          }),
        /2 sources and 1 targets/,
      );
    } finally {
      release();
    }
  });
});

Deno.test("LinkMinibatchSource gives the same minibatch over a Worker's node source as over the local one", async () => {
  await withDevices(async (cpu) => {
    const ids = new Int32Array([3, 9, 27, 50, 51]);
    const fanouts = [3, 2];
    const read = async (inner: MinibatchSource) => {
      const links = new LinkMinibatchSource(cpu, inner, graph.train, { numNodes: graph.numNodes });
      const batch = await links.next(ids, 5);
      try {
        const blocks = [];
        for (const b of batch.blocks) {
          blocks.push([
            await cpu.read(b.indptr, "i32", 0, b.numDst + 1),
            b.numEdges > 0 ? await cpu.read(b.indices, "i32", 0, b.numEdges) : [],
          ]);
        }
        return {
          blocks,
          nodes: await cpu.read(batch.inputNodes, "i32", 0, batch.numInput),
          inputs: await cpu.read(batch.inputs, "f32", 0, batch.numInput * graph.dim),
          target: await cpu.read(batch.target!.buffer, "i32"),
        };
      } finally {
        batch.release();
      }
    };
    const local = plantedSource(cpu, graph, fanouts);
    const threaded = await ThreadedMinibatchSource.start({
      device: cpu,
      graph: local.csr,
      features: graph.features,
      dim: graph.dim,
      fanouts,
      warmUpSeeds: new Int32Array([0]),
    });
    try {
      assert.deepEqual(await read(threaded), await read(local.source));
    } finally {
      await threaded.close();
      local.release();
    }
  });
});

Deno.test("LinkMinibatchSource draws other negatives for another rank's edges stepping with the same seed", async () => {
  await withDevices(async (device) => {
    const { source, release } = plantedSource(device, graph, [2]);
    // Two ranks: each holds half of the training edges, numbered globally.
    const half = Math.floor(numEdges / 2);
    const share = (lo: number, hi: number) => ({
      source: graph.train.source.slice(lo, hi),
      target: graph.train.target.slice(lo, hi),
    });
    /** The negative pairs, as global `a>b` node pairs, of a 20-edge minibatch with seed 9. */
    const negatives = async (lo: number, hi: number, mode: "binary" | "triplet") => {
      const links = new LinkMinibatchSource(device, source, share(lo, hi), {
        numNodes: graph.numNodes,
        firstEdge: lo,
        negatives: { mode, ratio: 2 },
      });
      const batch = await links.next(Int32Array.from({ length: 20 }, (_, i) => lo + i), 9);
      try {
        const nodes = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
        const target = await device.read(batch.target!.buffer, "i32");
        const pairs = batch.target!.count;
        return Array.from(
          { length: pairs - 20 },
          (_, j) => `${nodes[target[20 + j]!]}>${nodes[target[pairs + 20 + j]!]}`,
        );
      } finally {
        batch.release();
      }
    };
    try {
      for (const mode of ["binary", "triplet"] as const) {
        const [zero, one] = [await negatives(0, half, mode), await negatives(half, numEdges, mode)];
        assert.equal(zero.length, 40);
        // Triplet negatives keep their positives' sources: compare the drawn ends.
        const drawn = (pairs: string[]) => pairs.map((p) => p.split(">")[1]).join();
        assert.notEqual(
          drawn(zero),
          drawn(one),
          `${mode}: both ranks drew the same negative nodes`,
        );
        assert.deepEqual(await negatives(0, half, mode), zero, `${mode}: not reproducible`);
      }
    } finally {
      release();
    }
  });
});
