import assert from "node:assert/strict";
import type { Device } from "../../engine/device.ts";
import { DeviceGraph } from "../../engine/device_graph.ts";
import { DeviceTable } from "../../engine/device_table.ts";
import { csrFromEdges, type CsrGraph } from "../../engine/graph.ts";
import { LocalFeatureStore } from "../../engine/local_feature_store.ts";
import { LocalMinibatchSource } from "../../engine/local_minibatch_source.ts";
import { LocalSampler } from "../../engine/local_sampler.ts";
import type { MinibatchSource } from "../../engine/minibatch_source.ts";
import { ThreadedMinibatchSource } from "../../engine/threaded_minibatch_source.ts";
import { randomFloats, rng, withDevices } from "../_devices.ts";

function randomGraph(numNodes: number, seed: number): CsrGraph {
  const r = rng(seed);
  const src: number[] = [], dst: number[] = [];
  for (let v = 0; v < numNodes; v++) {
    for (let j = Math.floor(r() * 12); j > 0; j--) {
      src.push(v);
      dst.push(Math.floor(r() * numNodes));
    }
  }
  return csrFromEdges(numNodes, Int32Array.from(src), Int32Array.from(dst));
}

async function onHost(device: Device, source: MinibatchSource, seeds: Int32Array, seed: number) {
  const batch = await source.next(seeds, seed);
  try {
    const blocks = [];
    for (const b of batch.blocks) {
      blocks.push({
        numDst: b.numDst,
        numSrc: b.numSrc,
        indptr: await device.read(b.indptr, "i32", 0, b.numDst + 1),
        indices: await device.read(b.indices, "i32", 0, b.numEdges),
      });
    }
    return {
      blocks,
      nodes: await device.read(batch.inputNodes, "i32", 0, batch.numInput),
      rows: await device.read(batch.inputs, "f32", 0, batch.numInput * source.dim),
    };
  } finally {
    batch.release();
  }
}

Deno.test("ThreadedMinibatchSource prepares the minibatches LocalMinibatchSource does, several in flight, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    const graph = randomGraph(3000, 1);
    const dim = 8;
    const features = randomFloats(3000 * dim, 2);
    const fanouts = [5, 3];
    const table = DeviceTable.upload(cpu, features, dim, "features");
    const local = new LocalMinibatchSource(
      cpu,
      new LocalSampler(cpu, DeviceGraph.upload(cpu, graph), fanouts),
      new LocalFeatureStore(cpu, table),
    );
    const seeds = [0, 1, 2].map((b) =>
      Int32Array.from({ length: 200 }, (_, i) => (i * 7 + b) % 3000)
    );
    const want = [];
    for (const [b, s] of seeds.entries()) want.push(await onHost(cpu, local, s, b + 1));
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const threaded = await ThreadedMinibatchSource.start({
        device,
        graph,
        features,
        dim,
        fanouts,
        warmUpSeeds: seeds[0]!,
      });
      try {
        // All three requested before any is awaited: they queue in the Worker.
        const got = await Promise.all(seeds.map((s, b) => onHost(device, threaded, s, b + 1)));
        assert.deepEqual(got, want, device.kind);
        // Host memory comes back to the Worker and is refilled.
        assert.deepEqual(await onHost(device, threaded, seeds[1]!, 2), want[1], device.kind);
      } finally {
        await threaded.close();
      }
    }
  });
});

Deno.test("ThreadedMinibatchSource rejects bad seeds at once and names the Worker in its errors", async () => {
  await withDevices(async (cpu) => {
    const graph = randomGraph(100, 3);
    const features = new Float32Array(100 * 2);
    await assert.rejects(
      ThreadedMinibatchSource.start({ device: cpu, graph, features, dim: 3, fanouts: [2] }),
      /200 feature values for 100 nodes of 3/,
    );
    const source = await ThreadedMinibatchSource.start({
      device: cpu,
      graph,
      features,
      dim: 2,
      fanouts: [2, -1],
    });
    try {
      await assert.rejects(source.next(new Int32Array([5, 100]), 1), /seed 100 at position 1/);
      await assert.rejects(
        source.next(new Int32Array([5]), 1),
        /the minibatch worker: RangeError: sampleBlocks: fan-out -1/,
      );
    } finally {
      await source.close();
    }
    await assert.rejects(source.next(new Int32Array([5]), 1), /the minibatch worker is closed/);
  });
});
