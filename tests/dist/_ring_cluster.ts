import { MethodTable } from "../../dist/rpc/method_table.ts";
import { openRing } from "../../dist/cluster/open_ring.ts";
import type { RingAllReduce } from "../../dist/cluster/ring_all_reduce.ts";
import { RingMailbox } from "../../dist/cluster/ring_mailbox.ts";
import type { RpcClient } from "../../dist/rpc/rpc_client.ts";
import { type RpcServer, serveRpc } from "../../dist/rpc/serve_rpc.ts";

/** `size` ring participants in this process, each with its own loopback server. */
export async function ringCluster(
  size: number,
  secret: Uint8Array,
  options: { chunkFloats?: number; timeoutMs?: number } = {},
): Promise<{ rings: RingAllReduce[]; close(): Promise<void> }> {
  const servers: RpcServer[] = [];
  const mailboxes: RingMailbox[] = [];
  for (let i = 0; i < size; i++) {
    const methods = new MethodTable();
    const mailbox = new RingMailbox(`ring ${(i + size - 1) % size}`);
    mailbox.register(methods);
    mailboxes.push(mailbox);
    servers.push(serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods, name: `ring ${i}` }));
  }
  const addresses = servers.map((s) => s.url);
  const opened = await Promise.all(
    mailboxes.map((mailbox, index) => openRing({ addresses, index, secret, mailbox, ...options })),
  );
  return {
    rings: opened.map((o) => o.ring),
    async close() {
      const clients = opened.map((o) => o.right).filter((c): c is RpcClient => c !== null);
      clients.forEach((c) => c.close());
      await Promise.all(clients.map((c) => c.closed));
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
