/// <reference lib="deno.worker" />
// The thread behind PartitionServer: loads one partition and serves its
// sampling and feature methods on its own event loop (see partition_server.ts).
// Once told the peers' service addresses ("connect"), it also prepares its
// process's minibatches ("prepare"). Requests and replies follow messages.ts.
import { CpuDevice } from "../../engine/cpu_device.ts";
import { LocalMinibatchSource } from "../../engine/local_minibatch_source.ts";
import { loadPartition } from "../../partition/load_partition.ts";
import { connectRpc } from "../rpc/connect_rpc.ts";
import { MethodTable } from "../rpc/method_table.ts";
import type { RpcClient } from "../rpc/rpc_client.ts";
import { type RpcServer, serveRpc } from "../rpc/serve_rpc.ts";
import { DistFeatureStore } from "../graph/dist_feature_store.ts";
import { DistSampler } from "../graph/dist_sampler.ts";
import { OwnedPartition } from "../graph/owned_partition.ts";
import { registerPartitionService } from "../graph/partition_service.ts";
import { PARTITION_HEARTBEAT } from "../graph/methods.ts";
import { encodeError } from "./error_codec.ts";
import { readMinibatch } from "./host_minibatch.ts";
import { type WorkerRequest, workerRequestSchema } from "./messages.ts";

type Of<K extends WorkerRequest["kind"]> = Extract<WorkerRequest, { kind: K }>;

/** Everything this Worker holds, from start to close. */
class ServedPartition {
  readonly clients: RpcClient[] = [];
  readonly abort = new AbortController();
  /** Prepares under way, and those of them the caller gave up on. */
  readonly preparing = new Set<number>();
  readonly cancelled = new Set<number>();
  source: LocalMinibatchSource | undefined;
  features: DistFeatureStore | undefined;

  private constructor(
    readonly device: CpuDevice,
    readonly owned: OwnedPartition,
    readonly server: RpcServer,
  ) {}

  static async start(m: Of<"start">): Promise<ServedPartition> {
    const partition = await loadPartition(m.dir, m.partition, {
      edgeWeights: m.edgeWeights ?? false,
    });
    const device = new CpuDevice({ threads: 1, blas: false });
    try {
      const owned = OwnedPartition.upload(device, partition, {
        edgeWeights: m.edgeWeights ?? false,
      });
      const methods = registerPartitionService(new MethodTable(), owned);
      const { hostname, secret, name, peerTimeoutMs } = m;
      const server = serveRpc({
        hostname,
        port: m.port ?? 0,
        secret,
        methods,
        name,
        ...(peerTimeoutMs === undefined ? {} : { peerTimeoutMs }),
      });
      return new ServedPartition(device, owned, server);
    } catch (err) {
      device.destroy();
      throw err;
    }
  }

  async connect(m: Of<"connect">): Promise<null> {
    if (this.source) {
      throw new Error("connect: this partition server is already connected to its peers");
    }
    const peers: (RpcClient | undefined)[] = [];
    for (const [p, url] of m.peers.entries()) {
      if (url === null) continue;
      const client = await connectRpc(url, {
        secret: m.secret,
        name: `partition ${p}`,
        connectDeadlineMs: m.timeoutMs,
        ...(m.peerTimeoutMs === undefined
          ? {}
          : { heartbeat: { method: PARTITION_HEARTBEAT, peerTimeoutMs: m.peerTimeoutMs } }),
      });
      this.clients.push(client);
      peers[p] = client;
    }
    const remote = { owned: this.owned, peers, timeoutMs: m.timeoutMs, signal: this.abort.signal };
    this.features = new DistFeatureStore(remote);
    this.source = new LocalMinibatchSource(
      this.device,
      new DistSampler({ ...remote, fanouts: m.fanouts, weighted: m.weighted ?? false }),
      this.features,
    );
    return null;
  }

  async prepare(m: Of<"prepare">): Promise<void> {
    if (!this.source) throw new Error("prepare before connect");
    this.preparing.add(m.id);
    try {
      // Minibatches are prepared one at a time, so the fetched rows counted
      // meanwhile are this one's.
      const before = this.features?.counts.remote ?? 0;
      const batch = await this.source.next(m.seeds, m.seed);
      const remoteRows = (this.features?.counts.remote ?? 0) - before;
      try {
        if (this.cancelled.has(m.id)) return; // nobody waits for it any more
        const [host, transfer] = await readMinibatch(this.device, batch, this.source.dim);
        if (this.cancelled.has(m.id)) return;
        const payload = { ...host, remoteBytes: remoteRows * this.source.dim * 4 };
        self.postMessage({ kind: "reply", id: m.id, payload }, transfer);
      } finally {
        batch.release();
      }
    } finally {
      this.preparing.delete(m.id);
      this.cancelled.delete(m.id);
    }
  }

  cancel(m: Of<"cancel">): void {
    if (this.preparing.has(m.id)) this.cancelled.add(m.id);
  }

  async close(): Promise<null> {
    this.abort.abort(new Error("the partition server is closing"));
    for (const c of this.clients) c.close("training done");
    await this.server.close();
    this.owned.release();
    this.device.destroy();
    return null;
  }
}

let served: ServedPartition | undefined;

self.onmessage = async (e: MessageEvent<unknown>) => {
  const parsed = workerRequestSchema.safeParse(e.data);
  if (!parsed.success) {
    const error = new TypeError(`malformed request: ${parsed.error.message}`);
    self.postMessage({ kind: "error", id: null, error: encodeError(error) });
    return;
  }
  const m = parsed.data;
  try {
    if (m.kind === "start") {
      if (served) throw new Error("start: this partition server has already started");
      served = await ServedPartition.start(m);
      self.postMessage({ kind: "reply", id: m.id, payload: { url: served.server.url } });
      return;
    }
    if (!served) throw new Error(`${m.kind} before start`);
    if (m.kind === "prepare") return await served.prepare(m);
    if (m.kind === "cancel") return served.cancel(m);
    const payload = m.kind === "connect" ? await served.connect(m) : await served.close();
    self.postMessage({ kind: "reply", id: m.id, payload });
  } catch (err) {
    self.postMessage({ kind: "error", id: m.id, error: encodeError(err) });
  }
};
