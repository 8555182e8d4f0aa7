import { UsageError } from "./usage_error.ts";

/**
 * The ports one process of a cluster listens on, besides the coordinator's.
 *
 * @example
 * ```ts
 * import type { RankPorts } from "./rank_ports.ts";
 * const ports: RankPorts = { rpc: 11235, partition: 11236 };
 * ```
 */
export interface RankPorts {
  /** Its RPC server (gradient ring, minibatches for clients). */
  readonly rpc: number;
  /** Its partition server (the Worker that serves its partition to the other ranks). */
  readonly partition: number;
}

/**
 * Every port a cluster listens on follows from the flags, so that a
 * firewall can be opened once: the coordinator at `--master_port`, and rank
 * `r` at `first + 2r` (its RPC server) and `first + 2r + 1` (its partition
 * server), where `first` is `--master_port + 1`, or A of `--port_range=A-B`.
 * A world of W ranks thus uses `--master_port` and the 2W ports after it;
 * two jobs on one host need master ports (or ranges) that far apart. A range
 * too small for the world, or one that holds the coordinator's port, is a
 * {@link UsageError}.
 *
 * @example
 * ```ts
 * import { rankPorts } from "./rank_ports.ts";
 * console.log(rankPorts({ masterPort: 11234, portRange: undefined }, 1, 4)); // { rpc: 11237, partition: 11238 }
 * console.log(rankPorts({ masterPort: 11234, portRange: [23000, 23099] }, 1, 4)); // { rpc: 23002, partition: 23003 }
 * ```
 */
export function rankPorts(
  flags: { readonly masterPort: number; readonly portRange: readonly [number, number] | undefined },
  rank: number,
  worldSize: number,
): RankPorts {
  const needed = 2 * worldSize;
  const [first, last] = flags.portRange ?? [flags.masterPort + 1, flags.masterPort + needed];
  const from = flags.portRange
    ? `--port_range=${first}-${last}`
    : `--master_port=${flags.masterPort} and the ${needed} ports after it`;
  if (last - first + 1 < needed || first + needed - 1 > 65535) {
    throw new UsageError(
      `${from}: a world of ${worldSize} ranks needs ${needed} ports (two per rank) from ${first}, ` +
        `up to ${first + needed - 1}; give a wider --port_range or a lower --master_port`,
    );
  }
  if (flags.masterPort >= first && flags.masterPort < first + needed) {
    throw new UsageError(
      `${from} holds the coordinator's --master_port=${flags.masterPort}; keep it outside the range`,
    );
  }
  return { rpc: first + 2 * rank, partition: first + 2 * rank + 1 };
}

/**
 * Runs `start` (which listens on `host:port`); an address already in use
 * becomes an error naming the port and what was to listen there.
 *
 * @example
 * ```ts ignore
 * const server = await listening("rank 1's RPC server", "10.0.0.2", 11237, () => serveRpc(...));
 * ```
 */
export async function listening<T>(
  role: string,
  host: string,
  port: number,
  start: () => T | Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (
      error instanceof Deno.errors.AddrInUse || /address already in use|AddrInUse/i.test(message)
    ) {
      throw new Error(
        `port ${port} on ${host} is in use: ${role} cannot listen there (another job on this host? ` +
          "give another --master_port or --port_range)",
        { cause: error },
      );
    }
    throw error;
  }
}
