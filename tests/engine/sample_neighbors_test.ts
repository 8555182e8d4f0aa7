import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { csrFromEdges, type CsrGraph } from "../../engine/graph.ts";
import { sampleNeighbors } from "../../engine/sample_neighbors.ts";
import { rng, withDevices } from "../_devices.ts";

/** A random graph whose degrees range from 0 to about 3x the mean. */
function randomGraph(numNodes: number, avgDegree: number, seed: number): CsrGraph {
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
  return csrFromEdges(numNodes, Int32Array.from(src), Int32Array.from(dst));
}

async function sample(
  device: Device,
  graph: CsrGraph,
  seeds: Int32Array,
  fanout: number,
  seed: number,
  chunkBytes?: number,
) {
  const g = DeviceGraph.upload(device, graph, chunkBytes);
  const s = device.createBuffer(seeds.byteLength, "seeds");
  device.write(s, seeds);
  const hop = sampleNeighbors(device, g, s, seeds.length, fanout, seed);
  const [offsets, neighbors] = await Promise.all([
    device.read(hop.offsets, "i32"),
    device.read(hop.neighbors, "i32"),
  ]);
  g.release();
  return { offsets, neighbors: neighbors.slice(0, offsets[seeds.length]) };
}

Deno.test("sampleNeighbors() takes min(fanout, degree) distinct true neighbours per seed", async () => {
  await withDevices(async (cpu) => {
    const graph = randomGraph(500, 10, 1);
    const seeds = Int32Array.from({ length: 3000 }, (_, i) => (i * 37) % 500);
    const { offsets, neighbors } = await sample(cpu, graph, seeds, 15, 99);
    seeds.forEach((v, i) => {
      const adj = Array.from(graph.indices.subarray(graph.indptr[v], graph.indptr[v + 1]));
      const got = Array.from(neighbors.subarray(offsets[i], offsets[i + 1]));
      assert.equal(got.length, Math.min(15, adj.length), `seed ${v}`);
      const remaining = [...adj];
      for (const n of got) {
        const at = remaining.indexOf(n);
        assert.ok(at >= 0, `seed ${v}: ${n} is not an unused neighbour`);
        remaining.splice(at, 1);
      }
    });
  });
});

Deno.test("sampleNeighbors() gives identical samples on WebGPU and CPU, also with split indices", async () => {
  await withDevices(async (cpu, gpu) => {
    if (!gpu) return;
    const graph = randomGraph(2000, 12, 2);
    const r = rng(3);
    const seeds = Int32Array.from({ length: 5000 }, () => Math.floor(r() * 2000));
    seeds[17] = -1;
    const want = await sample(cpu, graph, seeds, 10, 1234);
    assert.deepEqual(await sample(gpu, graph, seeds, 10, 1234), want);
    const chunk = Math.ceil(graph.indices.byteLength / 3 / 4) * 4;
    assert.deepEqual(await sample(gpu, graph, seeds, 10, 1234, chunk), want);
    assert.deepEqual(await sample(cpu, graph, seeds, 10, 1234, chunk), want);
  });
});

Deno.test("sampleNeighbors() is deterministic for a seed and differs across seeds", async () => {
  await withDevices(async (cpu) => {
    const graph = randomGraph(300, 20, 4);
    const seeds = Int32Array.from({ length: 300 }, (_, i) => i);
    const a = await sample(cpu, graph, seeds, 5, 7);
    assert.deepEqual(await sample(cpu, graph, seeds, 5, 7), a);
    assert.notDeepEqual((await sample(cpu, graph, seeds, 5, 8)).neighbors, a.neighbors);
  });
});

Deno.test("sampleNeighbors() picks every neighbour about equally often", async () => {
  await withDevices(async (cpu, gpu) => {
    // One node with 40 distinct neighbours, sampled 5 at a time over 4000 draws.
    const deg = 40, fanout = 5, draws = 4000;
    const graph = csrFromEdges(
      deg + 1,
      new Int32Array(deg).fill(0),
      Int32Array.from({ length: deg }, (_, i) => i + 1),
    );
    for (const device of [cpu, gpu]) {
      if (!device) continue;
      const seeds = new Int32Array(1);
      const counts = new Float64Array(deg + 1);
      const g = DeviceGraph.upload(device, graph);
      const s = device.createBuffer(4, "seeds");
      device.write(s, seeds);
      const reads = [];
      for (let t = 0; t < draws; t++) {
        reads.push(
          device.read(sampleNeighbors(device, g, s, 1, fanout, t * 7919 + 13).neighbors, "i32"),
        );
      }
      for (const got of await Promise.all(reads)) {
        assert.equal(new Set(got).size, fanout);
        for (const n of got) counts[n]!++;
      }
      // Chi-square over 40 cells, 39 degrees of freedom: the 0.999 quantile is about 72.
      const expected = draws * fanout / deg;
      let chi2 = 0;
      for (let n = 1; n <= deg; n++) chi2 += (counts[n]! - expected) ** 2 / expected;
      assert.ok(
        chi2 < 72,
        `${device.kind}: chi-square ${chi2.toFixed(1)} says the sample is not uniform`,
      );
      g.release();
    }
  });
});

Deno.test("sampleNeighbors() rejects a fan-out that is not a positive integer", async () => {
  await withDevices((cpu) => {
    const g = DeviceGraph.upload(cpu, randomGraph(10, 2, 5));
    const s = cpu.createBuffer(4, "seeds");
    assert.throws(() => sampleNeighbors(cpu, g, s, 1, 0, 1), /fanout 0 must be a positive integer/);
    assert.throws(() => sampleNeighbors(cpu, g, s, 1, 2.5, 1), /fanout 2.5/);
  });
});
