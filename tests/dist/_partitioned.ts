// Test helper: a synthetic dataset partitioned on disk, each partition on its
// own CPU device, and every rank connected to every other rank's partition
// service over the in-memory transport.
import { CpuDevice } from "../../engine/cpu_device.ts";
import type { NodeDataset } from "../../engine/dataset.ts";
import type { CsrGraph } from "../../engine/graph.ts";
import { type LoadedPartition, loadPartition } from "../../partition/load_partition.ts";
import { partitionDataset } from "../../partition/partition_dataset.ts";
import { generateSynthetic } from "../../partition/synthetic.ts";
import { memoryTransportPair } from "../../dist/rpc/memory_transport_pair.ts";
import { MethodTable } from "../../dist/rpc/method_table.ts";
import { OwnedPartition } from "../../dist/graph/owned_partition.ts";
import { registerPartitionService } from "../../dist/graph/partition_service.ts";
import { RpcClient } from "../../dist/rpc/rpc_client.ts";
import { RpcSession } from "../../dist/rpc/rpc_session.ts";

export const SECRET = new TextEncoder().encode("partition service test secret");

export interface Partitioned {
  readonly dataset: NodeDataset;
  readonly dir: string;
  readonly parts: LoadedPartition[];
  readonly devices: CpuDevice[];
  readonly owned: OwnedPartition[];
  /** Everything but the connections. */
  close(): Promise<void>;
}

/** Generates, partitions and loads a small synthetic dataset, one CPU device per partition. */
export async function partitioned(
  numPartitions: number,
  options: { scale?: number; cacheRatio?: number; seed?: number; edgeWeights?: boolean } = {},
): Promise<Partitioned> {
  const dataset = generateSynthetic({
    scale: options.scale ?? 0.002,
    seed: options.seed ?? 1,
    quiet: true,
    ...(options.edgeWeights ? { edgeWeights: true } : {}),
  });
  const dir = await Deno.makeTempDir({ prefix: "webgnn-dist-" });
  await partitionDataset(dataset, {
    numPartitions,
    partitioner: "random",
    output: dir,
    cacheRatio: options.cacheRatio ?? 0.1,
    quiet: true,
  });
  const parts = await Promise.all(
    Array.from({ length: numPartitions }, (_, r) => loadPartition(dir, r)),
  );
  const devices = parts.map(() => new CpuDevice({ threads: 1, blas: false }));
  const edgeWeights = options.edgeWeights ?? false;
  const owned = parts.map((part, r) => OwnedPartition.upload(devices[r]!, part, { edgeWeights }));
  return {
    dataset,
    dir,
    parts,
    devices,
    owned,
    close: async () => {
      for (const o of owned) o.release();
      for (const d of devices) d.destroy();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

export interface MemoryMesh {
  /** `peers[r][p]`: rank r's client of partition p's service (undefined for p = r). */
  readonly peers: (RpcClient | undefined)[][];
  close(): Promise<void>;
}

/** Connects every rank to every other rank's partition service in memory. */
export async function memoryMesh(owned: readonly OwnedPartition[]): Promise<MemoryMesh> {
  const tables = owned.map((o) => registerPartitionService(new MethodTable(), o));
  const sessions: RpcSession[] = [];
  const peers: (RpcClient | undefined)[][] = [];
  for (let r = 0; r < owned.length; r++) {
    const row: (RpcClient | undefined)[] = [];
    for (let p = 0; p < owned.length; p++) {
      if (p === r) {
        row.push(undefined);
        continue;
      }
      const [near, far] = memoryTransportPair(`rank ${r}`, `partition ${p}`);
      sessions.push(
        new RpcSession(far, {
          secret: SECRET,
          methods: tables[p]!,
          name: `rank ${p}`,
          log: () => {},
        }),
      );
      row.push(await RpcClient.open(near, { secret: SECRET, name: `rank ${r}` }));
    }
    peers.push(row);
  }
  return {
    peers,
    close: async () => {
      for (const row of peers) for (const c of row) c?.close();
      await Promise.all(sessions.map((s) => s.done));
    },
  };
}

/** The whole renumbered graph, rebuilt from the partitions' rows. */
export function wholeGraph(parts: readonly LoadedPartition[]): CsrGraph {
  const numNodes = parts[0]!.partitionBook[parts.length]!;
  const indptr = new Int32Array(numNodes + 1);
  const chunks: Int32Array[] = [];
  let edges = 0;
  for (const part of parts) {
    for (let v = 0; v < part.graph.numNodes; v++) {
      indptr[part.offset + v + 1] = edges + part.graph.indptr[v + 1]!;
    }
    edges += part.graph.indices.length;
    chunks.push(part.graph.indices);
  }
  const indices = new Int32Array(edges);
  let at = 0;
  for (const c of chunks) {
    indices.set(c, at);
    at += c.length;
  }
  return { numNodes, indptr, indices };
}

/** The whole renumbered graph's edge weights, in `wholeGraph`'s edge order. */
export function wholeWeights(parts: readonly LoadedPartition[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.edgeWeights!.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part.edgeWeights!, at);
    at += part.edgeWeights!.length;
  }
  return out;
}

/** The dataset id of global id `g`. */
export function origId(parts: readonly LoadedPartition[], g: number): number {
  for (const part of parts) {
    if (g >= part.offset && g < part.offset + part.graph.numNodes) {
      return part.origIds[g - part.offset]!;
    }
  }
  throw new RangeError(`no partition owns ${g}`);
}
