/// <reference lib="deno.worker" />
// The thread behind PartitionServer: loads one partition and serves its
// sampling and feature methods on its own event loop (see partition_server.ts).
import { CpuDevice } from "../engine/cpu_device.ts";
import { loadPartition } from "../partition/load_partition.ts";
import { MethodTable } from "./method_table.ts";
import { OwnedPartition } from "./owned_partition.ts";
import { registerPartitionService } from "./partition_service.ts";
import { type RpcServer, serveRpc } from "./serve_rpc.ts";

interface Start {
  readonly kind: "start";
  readonly dir: string;
  readonly rank: number;
  readonly hostname: string;
  readonly secret: Uint8Array;
  readonly name: string;
}

let server: RpcServer | undefined;
let owned: OwnedPartition | undefined;
let device: CpuDevice | undefined;

self.onmessage = async (e: MessageEvent<Start | { kind: "close" }>) => {
  try {
    if (e.data.kind === "start") {
      const m = e.data;
      device = new CpuDevice({ threads: 1, blas: false });
      owned = OwnedPartition.upload(device, await loadPartition(m.dir, m.rank));
      const methods = registerPartitionService(new MethodTable(), owned);
      server = serveRpc({ hostname: m.hostname, port: 0, secret: m.secret, methods, name: m.name });
      self.postMessage({ kind: "started", url: server.url });
    } else {
      await server?.close();
      owned?.release();
      device?.destroy();
      self.postMessage({ kind: "closed" });
    }
  } catch (err) {
    self.postMessage({ kind: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
