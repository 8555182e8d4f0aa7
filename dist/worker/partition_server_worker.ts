/// <reference lib="deno.worker" />
// The thread behind PartitionServer: loads one partition and serves its
// sampling and feature methods on its own event loop (see partition_server.ts).
// Once told the peers' service addresses ("connect"), it also prepares its
// trainer's minibatches ("sample"): it answers with the blocks as host
// arrays as soon as they are sampled, then with the input features.
import { CpuDevice } from "../../engine/cpu_device.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { connectRpc } from "../rpc/connect_rpc.ts";
import { DistFeatureStore } from "../graph/dist_feature_store.ts";
import { DistSampler } from "../graph/dist_sampler.ts";
import { MethodTable } from "../rpc/method_table.ts";
import { OwnedPartition } from "../graph/owned_partition.ts";
import { registerPartitionService } from "../graph/partition_service.ts";
import type { RpcClient } from "../rpc/rpc_client.ts";
import { type RpcServer, serveRpc } from "../rpc/serve_rpc.ts";

interface Start {
  readonly kind: "start";
  /** Reply ids when sent through `PartitionServer.request` (a second start, refused). */
  readonly ids?: readonly number[];
  readonly dir: string;
  readonly rank: number;
  readonly hostname: string;
  readonly secret: Uint8Array;
  readonly name: string;
}

interface Connect {
  readonly kind: "connect";
  readonly ids: readonly number[];
  /** `peers[p]`: partition `p`'s service URL (null for this one). */
  readonly peers: readonly (string | null)[];
  readonly secret: Uint8Array;
  readonly fanouts: readonly number[];
  readonly timeoutMs: number;
}

interface Sample {
  readonly kind: "sample";
  /** The reply ids of the blocks and of the features. */
  readonly ids: readonly [number, number];
  readonly seeds: Int32Array;
  readonly seed: number;
}

type Request = Start | Connect | Sample | { kind: "close"; ids: readonly number[] };

let server: RpcServer | undefined;
let owned: OwnedPartition | undefined;
let device: CpuDevice | undefined;
let prepare: { sampler: DistSampler; features: DistFeatureStore } | undefined;
const clients: RpcClient[] = [];
const abort = new AbortController();

self.onmessage = async (e: MessageEvent<Request>) => {
  const m = e.data;
  // The first "start" predates the reply ids: it is answered with id 0.
  const id = m.ids?.[0] ?? 0;
  try {
    if (m.kind === "start") {
      if (device) throw new Error("start: this partition server has already started");
      device = new CpuDevice({ threads: 1, blas: false });
      owned = OwnedPartition.upload(device, await loadPartition(m.dir, m.rank));
      const methods = registerPartitionService(new MethodTable(), owned);
      server = serveRpc({ hostname: m.hostname, port: 0, secret: m.secret, methods, name: m.name });
      self.postMessage({ kind: "started", id, url: server.url });
    } else if (m.kind === "connect") {
      await connect(m);
      self.postMessage({ kind: "connected", id });
    } else if (m.kind === "sample") {
      await sample(m);
    } else {
      abort.abort(new Error("the partition server is closing"));
      for (const c of clients) c.close("training done");
      await server?.close();
      owned?.release();
      device?.destroy();
      self.postMessage({ kind: "closed", id });
    }
  } catch (err) {
    const ids = m.kind === "sample" ? m.ids : [id];
    for (const i of ids) self.postMessage(errorReply(i, err));
  }
};

async function connect(m: Connect): Promise<void> {
  if (!owned) throw new Error("connect before start");
  if (prepare) throw new Error("connect: this partition server is already connected to its peers");
  const peers: (RpcClient | undefined)[] = [];
  for (const [p, url] of m.peers.entries()) {
    if (url === null || url === undefined) continue;
    const client = await connectRpc(url, {
      secret: m.secret,
      name: `partition ${p}`,
      connectDeadlineMs: m.timeoutMs,
    });
    clients.push(client);
    peers[p] = client;
  }
  const remote = { owned, peers, timeoutMs: m.timeoutMs, signal: abort.signal };
  prepare = {
    sampler: new DistSampler({ ...remote, fanouts: m.fanouts }),
    features: new DistFeatureStore(remote),
  };
}

async function sample(m: Sample): Promise<void> {
  if (!prepare || !device) throw new Error("sample before connect");
  const [blocksId, featuresId] = m.ids;
  const batch = await prepare.sampler.sample(m.seeds, m.seed);
  const inputs = device.createBuffer(
    Math.max(4, batch.numInput * prepare.features.dim * 4),
    "inputs",
  );
  try {
    const blocks = [];
    const transfer: ArrayBuffer[] = [];
    for (const b of batch.blocks) {
      const indptr = await device.read(b.indptr, "i32", 0, b.numDst + 1);
      const indices = await device.read(b.indices, "i32", 0, b.numEdges);
      transfer.push(indptr.buffer, indices.buffer);
      blocks.push({ numDst: b.numDst, numSrc: b.numSrc, numEdges: b.numEdges, indptr, indices });
    }
    const inputNodes = await device.read(batch.inputNodes, "i32", 0, batch.numInput);
    transfer.push(inputNodes.buffer);
    self.postMessage({
      kind: "batch",
      id: blocksId,
      numSeeds: batch.numSeeds,
      numInput: batch.numInput,
      inputNodes,
      blocks,
    }, transfer);
    try {
      await prepare.features.gather(batch.inputNodes, batch.numInput, inputs);
      const rows = await device.read(inputs, "f32", 0, batch.numInput * prepare.features.dim);
      self.postMessage({ kind: "features", id: featuresId, rows }, [rows.buffer]);
    } catch (err) {
      self.postMessage(errorReply(featuresId, err));
    }
  } finally {
    device.release(inputs);
    batch.release();
  }
}

function errorReply(id: number, err: unknown) {
  return {
    kind: "error",
    id,
    name: err instanceof Error ? err.name : "Error",
    message: err instanceof Error ? err.message : String(err),
  };
}
