/**
 * webgnn's wire: everything that crosses between processes, in five layers.
 *
 * - **rpc**: {@link WebSocketTransport} (server via {@link serveRpc}, client
 *   via {@link connectRpc}) and {@link memoryTransportPair} for tests; the one
 *   message type ({@link Message}, versioned, tagged by kind, checked on receipt) and
 *   {@link MessageCodec}; {@link RpcClient} (pending calls, timeouts, abort
 *   signals), {@link callChecked} (answers checked against their schema) and
 *   {@link RpcSession} (HMAC-SHA256 challenge-response with the shared
 *   secret, then methods from a {@link MethodTable}); one error class each.
 * - **cluster**: {@link serveCoordinator} (rank 0) and {@link WorldMember}
 *   (every rank): world formation, the URLs every rank serves, barriers,
 *   shutdown; {@link RingAllReduce} over {@link openRing}, and
 *   {@link ringReducers} (gradient averaging every step).
 * - **graph**: {@link OwnedPartition} (a partition on its owner's device),
 *   {@link registerPartitionService} (its methods), {@link DistSampler} and
 *   {@link DistFeatureStore} over all partitions, and the pure pieces
 *   {@link splitByPartition}, {@link stitchHop}, {@link planFeatureRows}.
 * - **worker**: {@link PartitionServer} (a partition served from a Worker of
 *   its own, over a typed link) and {@link WorkerSampler} (the trainer's
 *   minibatch source whose sampling and fetching run in that Worker).
 * - **serving**: server-client mode's {@link MinibatchService} and the
 *   client's {@link RemoteMinibatchSampler}.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { connectRpc, MethodTable, serveRpc } from "./mod.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const methods = new MethodTable().register("calc.add", z.tuple([z.number(), z.number()]), ([a, b]) => a + b);
 * const server = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods, name: "rank 0" });
 * const client = await connectRpc(server.url, { secret, name: "rank 1" });
 * console.assert(await client.call("calc.add", [2, 3], { timeoutMs: 1000 }) === 5);
 * client.close();
 * await client.closed;
 * await server.close();
 * ```
 * @module
 */
// rpc
export { AuthError } from "./rpc/auth_error.ts";
export { callChecked, type Caller } from "./rpc/call_checked.ts";
export type { CallOptions } from "./rpc/call_options.ts";
export { ConnectError } from "./rpc/connect_error.ts";
export { connectRpc, type ConnectRpcOptions } from "./rpc/connect_rpc.ts";
export { ConnectionClosedError } from "./rpc/connection_closed_error.ts";
export { generateSecret } from "./rpc/generate_secret.ts";
export { registerHeartbeat } from "./rpc/heartbeat.ts";
export { memoryTransportPair } from "./rpc/memory_transport_pair.ts";
export { DEFAULT_MAX_MESSAGE_BYTES, MessageCodec } from "./rpc/message_codec.ts";
export { type Message, PROTOCOL_VERSION } from "./rpc/messages.ts";
export { type CallContext, type MethodEntry, MethodTable } from "./rpc/method_table.ts";
export { PendingCalls } from "./rpc/pending_calls.ts";
export { ProtocolError } from "./rpc/protocol_error.ts";
export { RemoteError } from "./rpc/remote_error.ts";
export { resolveSecret, type SecretSources } from "./rpc/resolve_secret.ts";
export { RpcClient, type RpcClientOptions } from "./rpc/rpc_client.ts";
export { RpcSession, type RpcSessionOptions } from "./rpc/rpc_session.ts";
export { RpcTimeoutError } from "./rpc/rpc_timeout_error.ts";
export type { SafeParseResult, Schema, SchemaError, SchemaIssue } from "./rpc/schema.ts";
export { type RpcServer, serveRpc, type ServeRpcOptions } from "./rpc/serve_rpc.ts";
export { MAX_TIMER_MS, timerDelay } from "./rpc/timer_delay.ts";
export type { Transport, TransportSink } from "./rpc/transport.ts";
export { WebSocketTransport } from "./rpc/websocket_transport.ts";
// cluster
export { BarrierTimeoutError } from "./cluster/barrier_timeout_error.ts";
export { Coordinator, type CoordinatorOptions } from "./cluster/coordinator.ts";
export type { Fingerprint } from "./cluster/fingerprint.ts";
export type { CoordinatorEvent } from "./cluster/coordinator_event.ts";
export type { EpochFigures, RankReport } from "./cluster/rank_report.ts";
export { openRing, type OpenRingOptions } from "./cluster/open_ring.ts";
export { RingAllReduce, type RingAllReduceOptions } from "./cluster/ring_all_reduce.ts";
export { RingMailbox } from "./cluster/ring_mailbox.ts";
export { averageGradients, ringReducers, sumAccuracy } from "./cluster/ring_reducers.ts";
export {
  type CoordinatorHost,
  serveCoordinator,
  type ServeCoordinatorOptions,
} from "./cluster/serve_coordinator.ts";
export { untilShutdown } from "./cluster/until_shutdown.ts";
export { type JoinOptions, WorldMember } from "./cluster/world_member.ts";
export { type RankInfo, serviceUrl, type World } from "./cluster/world.ts";
// graph
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
export { type HopPart, type StitchedHop, stitchHop } from "./graph/stitch_hop.ts";
// worker
export type { HostBlock, HostMinibatch } from "./worker/host_minibatch.ts";
export { PartitionServer } from "./worker/partition_server.ts";
export { WorkerSampler, type WorkerSamplerOptions } from "./worker/worker_sampler.ts";
// serving
export {
  MinibatchService,
  type MinibatchServiceEvent,
  type MinibatchServiceOptions,
} from "./serving/minibatch_service.ts";
export type { ServerInfo } from "./serving/methods.ts";
export {
  RemoteMinibatchSampler,
  type RemoteMinibatchSamplerOptions,
} from "./serving/remote_minibatch_sampler.ts";
