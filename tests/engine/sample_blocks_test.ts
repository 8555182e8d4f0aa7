import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { csrFromEdges, type CsrGraph } from "../../engine/graph.ts";
import { type NodeMap, sampleBlocks } from "../../engine/sample_blocks.ts";
import { sampleNeighbors } from "../../engine/sample_neighbors.ts";
import { rng, withDevices } from "../_devices.ts";

function randomGraph(numNodes: number, avgDegree: number, seed: number): CsrGraph {
  const r = rng(seed);
  const src: number[] = [];
  const dst: number[] = [];
  for (let v = 0; v < numNodes; v++) {
    const deg = v % 11 === 0 ? 0 : Math.floor(r() * avgDegree * 2);
    for (let j = 0; j < deg; j++) {
      src.push(v);
      dst.push(Math.floor(r() * numNodes));
    }
  }
  return csrFromEdges(numNodes, Int32Array.from(src), Int32Array.from(dst));
}

async function sampleOnHost(
  device: Device,
  graph: CsrGraph,
  seeds: Int32Array,
  fanouts: number[],
  map?: NodeMap,
) {
  const g = DeviceGraph.upload(device, graph);
  const batch = await sampleBlocks(
    device,
    (f, n, k, s) => sampleNeighbors(device, g, f, n, k, s),
    seeds,
    fanouts,
    5,
    map,
  );
  const blocks = [];
  for (const b of batch.blocks) {
    blocks.push({
      numDst: b.numDst,
      numSrc: b.numSrc,
      indptr: await device.read(b.indptr, "i32", 0, b.numDst + 1),
      indices: await device.read(b.indices, "i32", 0, b.numEdges),
    });
  }
  const nodes = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
  batch.release();
  g.release();
  return { blocks, nodes };
}

Deno.test("sampleBlocks() de-duplicates and relabels each hop, seeds first, new nodes in order of appearance", async () => {
  await withDevices(async (cpu) => {
    const graph = randomGraph(3000, 8, 1);
    const r = rng(2);
    const seeds = Int32Array.from(
      new Set(Array.from({ length: 300 }, () => Math.floor(r() * 3000))),
    );
    const fanouts = [6, 4, 3];
    const { blocks, nodes } = await sampleOnHost(cpu, graph, seeds, fanouts);
    assert.equal(new Set(nodes).size, nodes.length, "input nodes are unique");
    assert.deepEqual(nodes.subarray(0, seeds.length), seeds);
    // Innermost block first: hop h samples the nodes of hop h - 1.
    const hops = [...blocks].reverse();
    let numDst = seeds.length;
    hops.forEach((b, h) => {
      assert.equal(b.numDst, numDst);
      const seen = new Map<number, number>();
      for (let i = 0; i < b.numSrc; i++) {
        if (i < b.numDst) seen.set(nodes[i]!, i);
      }
      for (let d = 0; d < b.numDst; d++) {
        const v = nodes[d]!;
        const adj = new Set(graph.indices.subarray(graph.indptr[v], graph.indptr[v + 1]));
        const got = Array.from(b.indices.subarray(b.indptr[d], b.indptr[d + 1]));
        assert.equal(got.length, Math.min(fanouts[h]!, graph.indptr[v + 1]! - graph.indptr[v]!));
        for (const local of got) {
          assert.ok(local >= 0 && local < b.numSrc);
          const u = nodes[local]!;
          assert.ok(adj.has(u), `hop ${h}: ${u} is not a neighbour of ${v}`);
          if (!seen.has(u)) {
            assert.equal(
              local,
              seen.size,
              `hop ${h}: new node ${u} is numbered in order of appearance`,
            );
            seen.set(u, local);
          }
          assert.equal(seen.get(u), local);
        }
      }
      assert.equal(seen.size, b.numSrc);
      numDst = b.numSrc;
    });
  });
});

Deno.test("sampleBlocks() gives identical blocks on WebGPU and CPU", async () => {
  await withDevices(async (cpu, gpu) => {
    if (!gpu) return;
    const graph = randomGraph(5000, 10, 3);
    const seeds = Int32Array.from({ length: 512 }, (_, i) => (i * 97) % 5000);
    const fanouts = [15, 10, 5];
    assert.deepEqual(
      await sampleOnHost(gpu, graph, seeds, fanouts),
      await sampleOnHost(cpu, graph, seeds, fanouts),
    );
  });
});

Deno.test("sampleBlocks() with a node map gives the hash table's blocks on both backends and leaves the map zeroed", async () => {
  await withDevices(async (cpu, gpu) => {
    const graph = randomGraph(4000, 12, 6);
    // Duplicate seeds keep their first position, as in the hash table.
    const seeds = Int32Array.from({ length: 700 }, (_, i) => (i * 131) % 3500);
    const fanouts = [15, 10, 5];
    const expected = await sampleOnHost(cpu, graph, seeds, fanouts);
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const map = { buffer: device.createBuffer(4000 * 4, "node map"), numNodes: 4000 };
      for (let round = 0; round < 2; round++) {
        assert.deepEqual(await sampleOnHost(device, graph, seeds, fanouts, map), expected);
        assert.ok((await device.read(map.buffer, "u32")).every((x) => x === 0), device.kind);
      }
      device.release(map.buffer);
    }
  });
});

Deno.test("sampleBlocks() with fan-out 0 gives edgeless blocks over the seeds", async () => {
  await withDevices(async (cpu) => {
    const seeds = new Int32Array([4, 2, 9]);
    const { blocks, nodes } = await sampleOnHost(cpu, randomGraph(20, 3, 4), seeds, [0, 0]);
    assert.deepEqual(nodes, seeds);
    for (const b of blocks) {
      assert.equal(b.numSrc, 3);
      assert.deepEqual(b.indptr, new Int32Array(4));
    }
  });
});

Deno.test("sampleBlocks() rejects a negative fan-out", async () => {
  await withDevices(async (cpu) => {
    await assert.rejects(
      sampleOnHost(cpu, randomGraph(10, 2, 5), new Int32Array([1]), [2, -1]),
      /fan-out -1 must be a non-negative integer/,
    );
  });
});
