import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceEdgeWeights } from "../../engine/edge_weights.ts";
import { csrFromEdges, type CsrGraph } from "../../engine/graph.ts";
import sampleNeighborsWeightedKernel from "../../engine/kernels/sample_neighbors_weighted.ts";
import { negLog2Fixed } from "../../engine/kernels/_random.ts";
import { sampleNeighborsWeighted } from "../../engine/sample_neighbors_weighted.ts";
import { rng, withDevices } from "../_devices.ts";
import { runKernel } from "./_run_kernel.ts";

/** A random graph (degrees 0 to about 3x the mean) with weights: a fifth zero, the rest spread over six decades. */
function randomWeightedGraph(numNodes: number, avgDegree: number, seed: number) {
  const r = rng(seed);
  const src: number[] = [];
  const dst: number[] = [];
  for (let v = 0; v < numNodes; v++) {
    const deg = v % 7 === 0 ? 0 : Math.floor(r() * avgDegree * 3);
    for (let j = 0; j < deg; j++) {
      src.push(v);
      dst.push(Math.floor(r() * numNodes));
    }
  }
  const graph = csrFromEdges(numNodes, Int32Array.from(src), Int32Array.from(dst));
  const weights = Float32Array.from(graph.indices, () => r() < 0.2 ? 0 : 10 ** (r() * 6 - 3));
  return { graph, weights };
}

async function sample(
  device: Device,
  graph: CsrGraph,
  weights: Float32Array,
  seeds: Int32Array,
  fanout: number,
  seed: number,
  chunkBytes?: number,
) {
  const g = DeviceGraph.upload(device, graph, chunkBytes);
  const w = DeviceEdgeWeights.upload(device, graph, weights, {
    ...(chunkBytes ? { maxChunkBytes: chunkBytes } : {}),
  });
  const s = device.createBuffer(seeds.byteLength, "seeds");
  device.write(s, seeds);
  const hop = sampleNeighborsWeighted(device, g, w, s, seeds.length, fanout, seed);
  const [offsets, neighbors] = await Promise.all([
    device.read(hop.offsets, "i32"),
    device.read(hop.neighbors, "i32"),
  ]);
  g.release();
  w.release();
  return { offsets, neighbors: neighbors.slice(0, offsets[seeds.length]) };
}

/** Checks every seed got min(fanout, positive degree) distinct positive-weight edges' neighbours. */
function checkValid(
  graph: CsrGraph,
  weights: Float32Array,
  seeds: Int32Array,
  fanout: number,
  offsets: Int32Array,
  neighbors: Int32Array,
) {
  seeds.forEach((v, i) => {
    const got = Array.from(neighbors.subarray(offsets[i], offsets[i + 1]));
    if (v < 0) return assert.equal(got.length, 0);
    const remaining: number[] = [];
    for (let e = graph.indptr[v]!; e < graph.indptr[v + 1]!; e++) {
      if (weights[e]! > 0) remaining.push(graph.indices[e]!);
    }
    assert.equal(got.length, Math.min(fanout, remaining.length), `seed ${v}`);
    for (const n of got) {
      const at = remaining.indexOf(n);
      assert.ok(at >= 0, `seed ${v}: ${n} is not an unused positive-weight neighbour`);
      remaining.splice(at, 1);
    }
  });
}

Deno.test("sampleNeighborsWeighted() writes every output on both backends, identically, also with split indices", async () => {
  await withDevices(async (cpu, gpu) => {
    const { graph, weights } = randomWeightedGraph(2000, 12, 2);
    const r = rng(3);
    const seeds = Int32Array.from({ length: 5000 }, () => Math.floor(r() * 2000));
    seeds[17] = -1;
    const fanout = 10;
    // The kernel alone, on poisoned outputs and scratch: offsets from the host.
    const offsets = new Int32Array(seeds.length + 1);
    seeds.forEach((v, i) => {
      let p = 0;
      for (let e = v < 0 ? 0 : graph.indptr[v]!; v >= 0 && e < graph.indptr[v + 1]!; e++) {
        if (weights[e]! > 0) p++;
      }
      offsets[i + 1] = offsets[i]! + Math.min(fanout, p);
    });
    const total = offsets[seeds.length]!;
    const outs: Int32Array[] = [];
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const w = DeviceEdgeWeights.upload(device, graph, weights);
      const factors = await device.read(w.factors.chunks[0]!.buffer, "f32");
      const positive = await device.read(w.positive, "i32");
      w.release();
      const got = await runKernel(device, sampleNeighborsWeightedKernel, {
        indptr: graph.indptr,
        positive,
        seeds,
        offsets,
        out: total,
        keys: total,
        idx0: graph.indices,
        idx1: graph.indices,
        idx2: graph.indices,
        idx3: graph.indices,
        w0: factors,
        w1: factors,
        w2: factors,
        w3: factors,
      }, { num_seeds: seeds.length, seed: 1234, chunk: graph.indices.length });
      outs.push(got.out as Int32Array);
      checkValid(graph, weights, seeds, fanout, offsets, got.out as Int32Array);
    }
    if (outs.length === 2) assert.deepEqual(outs[1], outs[0]);
    const want = await sample(cpu, graph, weights, seeds, fanout, 1234);
    assert.deepEqual(want.offsets, offsets);
    assert.deepEqual(want.neighbors, outs[0]);
    const chunk = Math.ceil(graph.indices.byteLength / 3 / 4) * 4;
    assert.deepEqual(await sample(cpu, graph, weights, seeds, fanout, 1234, chunk), want);
    if (!gpu) return;
    assert.deepEqual(await sample(gpu, graph, weights, seeds, fanout, 1234), want);
    assert.deepEqual(await sample(gpu, graph, weights, seeds, fanout, 1234, chunk), want);
  });
});

/** Exact inclusion probabilities of weighted sampling of k without replacement, by enumerating ordered draws. */
function inclusion(weights: number[], k: number): number[] {
  const p = weights.map(() => 0);
  const walk = (taken: number[], prob: number, left: number) => {
    if (taken.length === k) {
      for (const i of taken) p[i]! += prob;
      return;
    }
    weights.forEach((w, i) => {
      if (w > 0 && !taken.includes(i)) walk([...taken, i], prob * w / left, left - w);
    });
  };
  walk([], 1, weights.reduce((a, b) => a + b, 0));
  return p;
}

Deno.test("sampleNeighborsWeighted() includes each neighbour with its exact probability (chi-square)", async () => {
  await withDevices(async (cpu, gpu) => {
    // 4000 hubs, each with the same six leaves and weights: each hub is one independent draw.
    const leafWeights = [1, 2, 3, 0, 4, 0.5];
    const hubs = 4000, leaves = leafWeights.length;
    const src = Int32Array.from({ length: hubs * leaves }, (_, e) => Math.floor(e / leaves));
    const dst = Int32Array.from(src, (_, e) => hubs + (e % leaves));
    const graph = csrFromEdges(hubs + leaves, src, dst);
    const weights = Float32Array.from(dst, (d) => leafWeights[d - hubs]!);
    const seeds = Int32Array.from({ length: hubs }, (_, i) => i);
    for (const fanout of [2, 3]) {
      const p = inclusion(leafWeights, fanout);
      for (const device of [cpu, gpu]) {
        if (!device) continue;
        const { neighbors } = await sample(device, graph, weights, seeds, fanout, 77 + fanout);
        assert.equal(neighbors.length, hubs * fanout);
        const counts = new Array(leaves).fill(0);
        for (const n of neighbors) counts[n - hubs]++;
        assert.equal(counts[3], 0, "the zero-weight leaf was drawn");
        // Five cells with a positive probability, 4 degrees of freedom: the 0.999 quantile is 18.47.
        // (Inclusion counts vary less than multinomial ones, so this errs on the lenient side.)
        let chi2 = 0;
        p.forEach((pi, i) => {
          if (pi > 0) chi2 += (counts[i] - hubs * pi) ** 2 / (hubs * pi);
        });
        assert.ok(
          chi2 < 18.47,
          `${device.kind}, fan-out ${fanout}: chi-square ${
            chi2.toFixed(1)
          }, counts ${counts}, expected ${p.map((x) => (x * hubs).toFixed(0))}`,
        );
      }
    }
  });
});

Deno.test("sampleNeighborsWeighted() takes every positive-weight neighbour when there are at most fan-out, never a zero-weight one", async () => {
  await withDevices(async (cpu, gpu) => {
    // Node 0: weights 3, 0, 1 (two positive); node 1: all zero; node 2: five positive.
    const src = new Int32Array([0, 0, 0, 1, 1, 2, 2, 2, 2, 2]);
    const dst = new Int32Array([3, 4, 5, 3, 4, 3, 4, 5, 6, 7]);
    const graph = csrFromEdges(8, src, dst);
    const weights = new Float32Array([3, 0, 1, 0, 0, 1, 1, 1, 1, 1]);
    const seeds = new Int32Array([0, 1, -1, 2]);
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const { offsets, neighbors } = await sample(device, graph, weights, seeds, 5, 9);
      assert.deepEqual(Array.from(offsets), [0, 2, 2, 2, 7]);
      assert.deepEqual(Array.from(neighbors), [3, 5, 3, 4, 5, 6, 7]);
      const two = await sample(device, graph, weights, seeds, 2, 9);
      assert.deepEqual(Array.from(two.neighbors.subarray(0, 2)), [3, 5]);
      checkValid(graph, weights, seeds, 2, two.offsets, two.neighbors);
    }
  });
});

Deno.test("DeviceEdgeWeights.upload() rejects weights of the wrong count, negative, not finite or too far apart", async () => {
  await withDevices((cpu) => {
    const graph = csrFromEdges(3, new Int32Array([0, 0]), new Int32Array([1, 2]));
    const up = (w: number[]) =>
      DeviceEdgeWeights.upload(cpu, graph, new Float32Array(w), { source: "w.csv" });
    assert.throws(() => up([1]), /w.csv: 1 weights for a graph of 2 edges/);
    assert.throws(() => up([1, -2]), /w.csv: weight -2 of edge 1 is not a finite non-negative/);
    assert.throws(() => up([NaN, 1]), /weight NaN of edge 0/);
    assert.throws(() => up([Infinity, 1]), /weight Infinity of edge 0/);
    assert.throws(() => up([1e-20, 1e20]), /ratio above 2\^100/);
    assert.throws(
      () => DeviceEdgeWeights.upload(cpu, graph, new Float32Array([1, 2]), { maxWeight: 1.5 }),
      /maxWeight 1.5 is below the largest weight 2/,
    );
    const g = DeviceGraph.upload(cpu, graph, 4);
    const w = up([1, 2]);
    const s = cpu.createBuffer(4, "seeds");
    assert.throws(
      () => sampleNeighborsWeighted(cpu, g, w, s, 1, 1, 1),
      /not uploaded for this graph with its chunk size/,
    );
    assert.throws(() => sampleNeighborsWeighted(cpu, g, w, s, 1, 0, 1), /fanout 0/);
    g.release();
    w.release();
  });
});

Deno.test("negLog2Fixed() is -log2(r / 2^32) within 2^-13, at the extremes too", () => {
  const r = rng(8);
  const xs = [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
  for (let i = 0; i < 20000; i++) xs.push(Math.floor(r() * 2 ** 32));
  for (const x of xs) {
    const want = -Math.log2((x % 2 === 0 ? x + 1 : x) / 2 ** 32);
    const got = negLog2Fixed(x) / 65536;
    assert.ok(Math.abs(got - want) < 2 ** -13, `r = ${x}: ${got}, expected ${want}`);
  }
});

Deno.test("sampleNeighborsWeighted() on a part of the graph given the whole graph's maxWeight draws what the whole graph draws", async () => {
  await withDevices(async (cpu) => {
    const { graph, weights } = randomWeightedGraph(1000, 12, 6);
    // The part holds the rows of nodes 0..499 under their global ids; the other rows are empty.
    const half = graph.indptr[500]!;
    const indptr = Int32Array.from(graph.indptr, (x) => Math.min(x, half));
    const part = { numNodes: 1000, indptr, indices: graph.indices.slice(0, half) };
    const partWeights = weights.slice(0, half);
    const maxWeight = weights.reduce((a, b) => Math.max(a, b), 0);
    const seeds = Int32Array.from({ length: 500 }, (_, i) => i);
    const whole = await sample(cpu, graph, weights, seeds, 8, 5);
    const g = DeviceGraph.upload(cpu, part);
    const w = DeviceEdgeWeights.upload(cpu, part, partWeights, { maxWeight });
    const s = cpu.createBuffer(seeds.byteLength, "seeds");
    cpu.write(s, seeds);
    const hop = sampleNeighborsWeighted(cpu, g, w, s, seeds.length, 8, 5);
    const got = await cpu.read(hop.neighbors, "i32", 0, whole.neighbors.length);
    assert.deepEqual(got, whole.neighbors);
    g.release();
    w.release();
  });
});
