import { requireTaskData } from "./require_task_data.ts";
import { nodeAddress } from "./node_address.ts";
import { listening, rankPorts } from "./rank_ports.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { MethodTable } from "../dist/rpc/method_table.ts";
import { MinibatchService } from "../dist/serving/minibatch_service.ts";
import { PartitionServer } from "../dist/worker/partition_server.ts";
import { type RpcServer, serveRpc } from "../dist/rpc/serve_rpc.ts";
import { WorldMember } from "../dist/cluster/world_member.ts";
import { MINIBATCH_MAX_BYTES } from "../dist/serving/methods.ts";
import { serviceUrl } from "../dist/cluster/world.ts";
import { loadPartitionSeeds } from "../partition/load_partition_seeds.ts";
import type { ServerClientFlags } from "./server_client_flags.ts";
import type { ReportError } from "./run_command.ts";
import {
  checkListenAddress,
  hostCoordinator,
  hostPort,
  localStartMs,
  PARTITION_SERVICE,
  partitionDirectory,
  runClusterProcess,
} from "./_cluster.ts";
import { untilShutdown } from "../dist/cluster/until_shutdown.ts";
import { checkWritable } from "./check_writable.ts";
import { metricsPathFor } from "./run_training.ts";
import { serverLines } from "./server_lines.ts";
import {
  edgeWeightField,
  partitionFields,
  protocolField,
  serverClientFields,
} from "./job_fingerprint.ts";

/**
 * One sampling server process of server-client mode. Server `s` (world rank
 * `s`; server 0 also hosts the coordinator) holds partition `s`, serves its
 * sampling and features to the other servers, and prepares whole minibatches
 * for its clients (client `c` is served by server `c % numServers`) in the
 * partition server's Worker. It returns once every one of its clients has
 * finished and the whole world reached the end; a client that disconnects
 * before finishing ends the world with an error naming it.
 *
 * @example
 * ```ts ignore
 * import { runServer } from "./run_server.ts";
 * await runServer(flags, 0);
 * ```
 */
export async function runServer(
  flags: ServerClientFlags,
  localRank: number,
  report?: ReportError,
): Promise<void> {
  const rank = flags.nodeRank * flags.numServerProcsPerNode + localRank;
  const worldSize = flags.numServers + flags.numClients;
  const name = `server ${rank}`;
  const { dir, meta } = await partitionDirectory(
    flags.datasetRootDir,
    flags.numDatasetPartitions,
    "--num_dataset_partitions",
    flags.edgeWeight,
  );
  requireTaskData(`--dataset_root_dir=${dir}`, flags.task, {
    numClasses: meta.dataset.numClasses,
    links: meta.links !== undefined,
  });
  const metricsPath = metricsPathFor(flags.metrics, rank);
  if (metricsPath !== undefined) checkWritable("--metrics", metricsPath);
  const secret = await clusterSecret(flags);
  const timeoutMs = flags.rpcTimeoutMs;
  const peerTimeoutMs = flags.peerTimeoutMs;
  if (flags.nodeAddr !== undefined) checkListenAddress("--node_addr", flags.nodeAddr);
  const t0 = performance.now();
  return await runClusterProcess(name, async (scope) => {
    await listening(
      "the coordinator",
      flags.masterAddr,
      flags.masterPort,
      () => hostCoordinator(scope, rank, flags, worldSize, secret),
    );
    const ports = rankPorts(flags, rank, worldSize);
    const partition = await loadPartitionSeeds(dir, rank);
    const nodeAddr = await nodeAddress(flags);
    const service = await listening(
      `${name}'s partition server`,
      nodeAddr,
      ports.partition,
      () =>
        PartitionServer.start({
          dir,
          partition: rank,
          hostname: nodeAddr,
          port: ports.partition,
          secret,
          name: `partition ${rank} (${name})`,
          timeoutMs: localStartMs(timeoutMs),
          peerTimeoutMs,
          edgeWeights: flags.edgeWeight,
        }),
    );
    scope.onClose(() => service.close());
    const metricsFile = metricsPath
      ? await Deno.open(metricsPath, { write: true, create: true, truncate: true })
      : undefined;
    if (metricsFile) scope.onClose(() => metricsFile.close());
    const link = flags.task === "link";
    const lines = serverLines(name, link ? "AUC" : "accuracy");
    const minibatches = new MinibatchService({
      server: service,
      info: {
        partition: rank,
        numNodes: partition.partitionBook[partition.partitionBook.length - 1]!,
        featureDim: meta.dataset.featureDim,
        numClasses: meta.dataset.numClasses,
        fanouts: flags.fanout,
        trainCounts: meta.partitions.map((p) => p.train),
        partitioner: meta.partitioner,
        dataset: meta.dataset.name,
        partitionFields: (await partitionFields(meta)).map(([k, v]) => [k, v]),
      },
      partition,
      numClients: Math.ceil((flags.numClients - rank) / flags.numServers),
      timeoutMs,
      onEvent: (e) => {
        lines(e);
        if (e.kind === "epoch") {
          // With --task=link the clients' figures are AUCs: named so in the metrics line.
          const figures = link
            ? {
              validAccuracy: null,
              testAccuracy: null,
              validAuc: e.validAccuracy,
              testAuc: e.testAccuracy,
            }
            : {};
          const line = { time: new Date().toISOString(), ...e, ...figures };
          metricsFile?.writeSync(new TextEncoder().encode(JSON.stringify(line) + "\n"));
        }
      },
    });
    const methods = minibatches.register(new MethodTable());
    const server: RpcServer = await listening(
      `${name}'s RPC server`,
      nodeAddr,
      ports.rpc,
      () =>
        serveRpc({
          hostname: nodeAddr,
          port: ports.rpc,
          secret,
          methods,
          name: `${name} (rank ${rank})`, // as peers see it, with the address, in their errors
          maxMessageBytes: MINIBATCH_MAX_BYTES,
          peerTimeoutMs,
        }),
    );
    scope.onClose(() => server.close());
    const world = await WorldMember.join({
      coordinatorUrl: `ws://${hostPort(flags.masterAddr, flags.masterPort)}`,
      rank,
      role: "server",
      address: server.url,
      services: { [PARTITION_SERVICE]: service.url },
      secret,
      fingerprint: [
        ...protocolField(),
        ...serverClientFields(flags),
        ["--fanout", flags.fanout.join(",")],
        ["--task", flags.task],
        edgeWeightField(flags.edgeWeight),
        ...await partitionFields(meta),
      ],
      connectDeadlineMs: timeoutMs,
      joinTimeoutMs: timeoutMs,
      peerTimeoutMs,
    });
    scope.joined(world);
    const peers: (string | undefined)[] = [];
    for (let p = 0; p < flags.numServers; p++) {
      if (p !== rank) peers[p] = serviceUrl(world.world.ranks[p]!, PARTITION_SERVICE);
    }
    await service.connect({
      peers,
      secret,
      fanouts: flags.fanout,
      timeoutMs,
      peerTimeoutMs,
      weighted: flags.edgeWeight,
    });
    await world.barrier("servers ready", timeoutMs);
    console.log(
      `webgnn ${name}: ready in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s, partition ${rank} ` +
        (flags.task === "link"
          ? `(${meta.partitions[rank]!.linkTrain ?? 0} training edges) at ${server.url}, `
          : `(${partition.train.length} train / ${partition.test.length} test seeds) at ${server.url}, `) +
        `waiting for ${Math.ceil((flags.numClients - rank) / flags.numServers)} clients`,
    );
    await untilShutdown(minibatches.finished, world.shutdownSignal);
    await world.barrier("training done", timeoutMs);
  }, report);
}
