/// <reference lib="deno.worker" />
// The thread behind ThreadedMinibatchSource: holds a copy of the graph and
// the feature table on a CPU device of its own, and prepares minibatches
// (sampling, then the gather of their input rows) off the training thread.
// Requests and replies follow minibatch_messages.ts.
import { CpuDevice } from "./cpu_device.ts";
import type { DeviceBuffer } from "./device.ts";
import { DeviceGraph } from "./device_graph.ts";
import { DeviceTable } from "./device_table.ts";
import { DeviceEdgeWeights } from "./edge_weights.ts";
import { LocalFeatureStore } from "./local_feature_store.ts";
import { LocalMinibatchSource } from "./local_minibatch_source.ts";
import { LocalSampler } from "./local_sampler.ts";
import type { HostMinibatch } from "./host_minibatch.ts";
import { checkWorkerRequest, type WorkerReply, type WorkerRequest } from "./minibatch_messages.ts";

interface Loaded {
  readonly device: CpuDevice;
  readonly sampler: LocalSampler;
  readonly source: LocalMinibatchSource;
}

let loaded: Loaded | undefined;

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function start(m: Extract<WorkerRequest, { kind: "start" }>): Loaded {
  const device = new CpuDevice({ threads: m.threads, blas: false });
  const csr = { numNodes: m.numNodes, indptr: m.indptr, indices: m.indices };
  const graph = DeviceGraph.upload(device, csr);
  const weights = m.edgeWeights && DeviceEdgeWeights.upload(device, csr, m.edgeWeights);
  const table = DeviceTable.upload(device, m.features, m.dim, "features");
  const sampler = new LocalSampler(device, graph, m.fanouts, weights);
  const source = new LocalMinibatchSource(device, sampler, new LocalFeatureStore(device, table));
  return { device, sampler, source };
}

/**
 * Host memory the training thread has sent back, for the next minibatches:
 * a fresh array is first-touched at a fraction of the copy bandwidth, which
 * made copying a minibatch out cost more than preparing it.
 */
const spare: ArrayBuffer[] = [];

/** A view of `n` elements on spare host memory, or on new memory with room to spare. */
function hostArray<T extends Int32Array | Float32Array>(
  Ctor: new (b: ArrayBuffer, offset: number, length: number) => T,
  n: number,
): T {
  const bytes = n * 4;
  let best = -1;
  for (const [i, b] of spare.entries()) {
    if (b.byteLength >= bytes && (best < 0 || b.byteLength < spare[best]!.byteLength)) best = i;
  }
  const memory = best >= 0
    ? spare.splice(best, 1)[0]!
    : new ArrayBuffer(Math.ceil(bytes * 1.25 / 4096) * 4096 || 4096);
  return new Ctor(memory, 0, n);
}

async function prepare(m: Extract<WorkerRequest, { kind: "next" }>): Promise<void> {
  const { device, source } = loaded!;
  const batch = await source.next(m.seeds, m.seed);
  try {
    const blocks = [];
    const transfer: ArrayBuffer[] = [];
    const read = <T extends Int32Array | Float32Array>(
      Ctor: new (b: ArrayBuffer, offset: number, length: number) => T,
      buffer: DeviceBuffer,
      n: number,
    ) => {
      const out = hostArray(Ctor, n);
      device.readInto(buffer, out);
      transfer.push(out.buffer as ArrayBuffer);
      return out;
    };
    for (const b of batch.blocks) {
      const indptr = read(Int32Array, b.indptr, b.numDst + 1);
      const indices = read(Int32Array, b.indices, b.numEdges);
      blocks.push({ numDst: b.numDst, numSrc: b.numSrc, numEdges: b.numEdges, indptr, indices });
    }
    const inputNodes = read(Int32Array, batch.inputNodes, batch.numInput);
    const rows = read(Float32Array, batch.inputs, batch.numInput * source.dim);
    const host: HostMinibatch = {
      numSeeds: batch.numSeeds,
      numInput: batch.numInput,
      inputNodes,
      blocks,
      rows,
      sampleMs: batch.sampleMs,
      featureMs: batch.featureMs,
    };
    reply({ kind: "batch", id: m.id, batch: host }, transfer);
  } finally {
    batch.release();
  }
}

self.onmessage = async (e: MessageEvent<unknown>) => {
  let m: WorkerRequest;
  try {
    m = checkWorkerRequest(e.data);
  } catch (err) {
    reply({ kind: "error", id: null, message: String(err) });
    return;
  }
  const id = m.kind === "next" ? m.id : null;
  try {
    if (m.kind === "start") {
      if (loaded) throw new Error("start: the minibatch worker has already started");
      loaded = start(m);
      reply({ kind: "ready" });
    } else if (m.kind === "recycle") {
      spare.push(...m.buffers);
      // Keep a bounded amount: a few minibatches' worth.
      spare.sort((a, b) => b.byteLength - a.byteLength).splice(m.keep);
    } else if (m.kind === "next") {
      if (!loaded) throw new Error("next before start");
      await prepare(m);
    } else {
      loaded?.sampler.release();
      loaded?.device.destroy();
      loaded = undefined;
      reply({ kind: "closed" });
    }
  } catch (err) {
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    reply({ kind: "error", id, message });
  }
};
