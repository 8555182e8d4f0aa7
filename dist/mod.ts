/**
 * webgnn's wire: everything that crosses between processes.
 *
 * - **Transport**: {@link WebSocketTransport} (server via {@link serveRpc},
 *   client via {@link connectRpc}) and {@link memoryTransportPair} for tests.
 * - **Codec**: {@link MessageCodec} turns the one message schema
 *   ({@link messageSchema}, versioned, tagged by kind) into msgpack frames;
 *   typed arrays travel as binary and arrive aligned.
 * - **Protocol**: {@link RpcClient} (pending calls, timeouts, abort signals)
 *   and {@link RpcSession} (HMAC-SHA256 challenge-response with the shared
 *   secret, then methods from a {@link MethodTable}).
 * - **Cluster**: {@link serveCoordinator} (rank 0) and {@link WorldMember}
 *   (every rank): world formation, barriers, shutdown.
 * - **Collectives**: {@link RingAllReduce} over {@link openRing}.
 * - **Distributed graph and features**: {@link OwnedPartition} (a partition
 *   on its owner's device), {@link registerPartitionService} (its RPC
 *   methods), {@link DistSampler} and {@link DistFeatureStore} (the engine's
 *   `Sampler` and `FeatureStore` over all partitions).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { connectRpc, MethodTable, serveRpc } from "./mod.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const methods = new MethodTable().register("add", z.tuple([z.number(), z.number()]), ([a, b]) => a + b);
 * const server = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods, name: "rank 0" });
 * const client = await connectRpc(server.url, { secret, name: "rank 1" });
 * console.assert(await client.call("add", [2, 3], { timeoutMs: 1000 }) === 5);
 * client.close();
 * await client.closed;
 * await server.close();
 * ```
 * @module
 */
export { AuthError } from "./rpc/auth_error.ts";
export { BarrierTimeoutError } from "./cluster/barrier_timeout_error.ts";
export type { CallOptions } from "./rpc/call_options.ts";
export { ConnectError } from "./rpc/connect_error.ts";
export { connectRpc, type ConnectRpcOptions } from "./rpc/connect_rpc.ts";
export { ConnectionClosedError } from "./rpc/connection_closed_error.ts";
export { Coordinator } from "./cluster/coordinator.ts";
export { generateSecret } from "./rpc/generate_secret.ts";
export { memoryTransportPair } from "./rpc/memory_transport_pair.ts";
export { DEFAULT_MAX_MESSAGE_BYTES, MessageCodec } from "./rpc/message_codec.ts";
export { type Message, messageSchema, PROTOCOL_VERSION } from "./rpc/messages.ts";
export { type CallContext, type MethodEntry, MethodTable } from "./rpc/method_table.ts";
export { openRing, type OpenRingOptions } from "./cluster/open_ring.ts";
export { PendingCalls } from "./rpc/pending_calls.ts";
export { ProtocolError } from "./rpc/protocol_error.ts";
export { RemoteError } from "./rpc/remote_error.ts";
export { resolveSecret, type SecretSources } from "./rpc/resolve_secret.ts";
export { RingAllReduce, type RingAllReduceOptions } from "./cluster/ring_all_reduce.ts";
export { RingMailbox } from "./cluster/ring_mailbox.ts";
export { RpcClient, type RpcClientOptions } from "./rpc/rpc_client.ts";
export { RpcSession, type RpcSessionOptions } from "./rpc/rpc_session.ts";
export { RpcTimeoutError } from "./rpc/rpc_timeout_error.ts";
export {
  type CoordinatorHost,
  serveCoordinator,
  type ServeCoordinatorOptions,
} from "./cluster/serve_coordinator.ts";
export { type RpcServer, serveRpc, type ServeRpcOptions } from "./rpc/serve_rpc.ts";
export type { Transport, TransportSink } from "./rpc/transport.ts";
export { WebSocketTransport } from "./rpc/websocket_transport.ts";
export { type JoinOptions, WorldMember } from "./cluster/world_member.ts";
export { type RankInfo, rankInfoSchema, type World, worldSchema } from "./cluster/world.ts";
export {
  DistFeatureStore,
  type DistFeatureStoreOptions,
  type FeatureCounts,
} from "./graph/dist_feature_store.ts";
export {
  DistSampler,
  type DistSamplerCounts,
  type DistSamplerOptions,
} from "./graph/dist_sampler.ts";
export { type HostHop, OwnedPartition } from "./graph/owned_partition.ts";
export type { PartitionPeer } from "./graph/partition_peer.ts";
export { registerPartitionService } from "./graph/partition_service.ts";
export { type FeatureRowPlan, planFeatureRows } from "./graph/plan_feature_rows.ts";
export { type PartitionSplit, splitByPartition } from "./graph/split_by_partition.ts";
export { stackTables } from "../engine/stack_tables.ts";
export { type HopPart, type StitchedHop, stitchHop } from "./graph/stitch_hop.ts";
export { PartitionServer } from "./worker/partition_server.ts";
export { WorkerSampler, type WorkerSamplerOptions } from "./worker/worker_sampler.ts";
export { MinibatchService, type MinibatchServiceOptions } from "./serving/minibatch_service.ts";
export {
  RemoteMinibatchSampler,
  type RemoteMinibatchSamplerOptions,
} from "./serving/remote_minibatch_sampler.ts";
