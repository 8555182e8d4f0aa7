import { hostPort } from "./_cluster.ts";

/**
 * The address this process listens on: `--node_addr` when given (or implied),
 * else the local address of a TCP connection towards the coordinator at
 * `--master_addr:--master_port` (the kernel picks it by route, as a UDP
 * connect would), so that only multi-homed hosts need `--node_addr`. The
 * coordinator may still be starting: it retries until `rpcTimeoutMs`, then
 * fails naming the master.
 *
 * @example
 * ```ts
 * import { nodeAddress } from "./node_address.ts";
 * const l = Deno.listen({ hostname: "127.0.0.2", port: 0 });
 * const flags = { nodeAddr: undefined, masterAddr: "127.0.0.2", masterPort: l.addr.port, rpcTimeoutMs: 1000 };
 * console.log(await nodeAddress(flags)); // "127.0.0.1": this host's address towards 127.0.0.2
 * l.close();
 * ```
 */
export async function nodeAddress(flags: {
  readonly nodeAddr: string | undefined;
  readonly masterAddr: string;
  readonly masterPort: number;
  readonly rpcTimeoutMs: number;
}): Promise<string> {
  if (flags.nodeAddr !== undefined) return flags.nodeAddr;
  const deadline = Date.now() + flags.rpcTimeoutMs;
  let wait = 50;
  for (;;) {
    try {
      const conn = await Deno.connect({ hostname: flags.masterAddr, port: flags.masterPort });
      const local = (conn.localAddr as Deno.NetAddr).hostname;
      conn.close();
      return local;
    } catch (error) {
      if (Date.now() + wait > deadline) {
        throw new Error(
          `cannot find this node's address: the coordinator at ${
            hostPort(flags.masterAddr, flags.masterPort)
          } did not answer within ${flags.rpcTimeoutMs} ms (${
            error instanceof Error ? error.message : error
          }); give --node_addr`,
        );
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 1_000);
    }
  }
}
