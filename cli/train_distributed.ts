import { requireTaskData } from "./require_task_data.ts";
import { linkSetup } from "./link_setup.ts";
import { loadPartitionLinks } from "../partition/load_partition_links.ts";
import { untilShutdown } from "../dist/cluster/until_shutdown.ts";
import { checkWritable } from "./check_writable.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { broadcastTrainingState } from "../dist/cluster/broadcast_state.ts";
import type { Fingerprint } from "../dist/cluster/fingerprint.ts";
import { ringReducers } from "../dist/cluster/ring_reducers.ts";
import { partitionFields, protocolField, trainingFields } from "./job_fingerprint.ts";
import { CheckpointDir } from "./checkpoint_dir.ts";
import { RunCheckpoints } from "./run_checkpoints.ts";
import type { ReportError } from "./run_command.ts";
import {
  checkListenAddress,
  hostDashboard,
  hostPort,
  localStartMs,
  PARTITION_SERVICE,
  partitionDirectory,
  runClusterProcess,
} from "./_cluster.ts";
import { serviceUrl } from "../dist/cluster/world.ts";
import { serveWorld, type WorldHost } from "../dist/cluster/serve_world.ts";
import { takeCensus } from "../dist/cluster/take_census.ts";
import { nodeAddress } from "./node_address.ts";
import { listening, rankPorts } from "./rank_ports.ts";
import { worldPlaces } from "./world_places.ts";
import { createDevice } from "../engine/create_device.ts";
import { useWebGpuAdapter } from "../engine/webgpu_adapters.ts";
import type { Device } from "../engine/device.ts";
import { SageModel } from "../engine/sage_model.ts";
import { MethodTable } from "../dist/rpc/method_table.ts";
import { openRing } from "../dist/cluster/open_ring.ts";
import { RingMailbox } from "../dist/cluster/ring_mailbox.ts";
import { type RpcServer, serveRpc } from "../dist/rpc/serve_rpc.ts";
import { WorldMember } from "../dist/cluster/world_member.ts";
import { loadPartitionSeeds } from "../partition/load_partition_seeds.ts";
import { type EpochMetrics, metricsPathFor, runTraining } from "./run_training.ts";
import { keeperFor } from "./keep_model.ts";
import { LiveReporter } from "./live_reporter.ts";
import { startFrom } from "./model_file_options.ts";
import { shareOf, stepsPerEpoch } from "./steps_per_epoch.ts";
import { sageTrainable } from "../engine/sage_trainable.ts";
import type { TrainFlags } from "./train_flags.ts";
import { PartitionServer } from "../dist/worker/partition_server.ts";
import { WorkerSampler } from "../dist/worker/worker_sampler.ts";

/**
 * One trainer of a cluster in collocated mode: it holds its node's partition
 * on its device and serves it to the other trainers, samples and gathers
 * through them for remote nodes, and averages gradients with every trainer
 * by ring all-reduce each step. Trainer 0 of node 0 also hosts the
 * coordinator at `--master_addr:--master_port` and prints the epoch lines.
 * Every trainer joins with the fingerprint of its flags and partition
 * directory (the world is refused if two differ) and starts from trainer 0's
 * parameters, or from the checkpoint trainer 0 resumed (it alone writes
 * and reads `--checkpoint_dir`).
 *
 * @example
 * ```ts ignore
 * import { trainDistributed } from "./train_distributed.ts";
 * await trainDistributed(flags, 0);
 * ```
 */
export async function trainDistributed(
  flags: TrainFlags,
  localRank: number,
  report?: ReportError,
): Promise<EpochMetrics[]> {
  const name = `node ${flags.nodeRank} trainer ${localRank}`;
  // Rank 0 (known before the census: node 0's first trainer, or the environment's rank 0).
  const first = flags.rank === undefined
    ? flags.nodeRank === 0 && localRank === 0
    : flags.rank === 0;
  if (flags.saveModel !== undefined && first) checkWritable("--save_model", flags.saveModel);
  if (flags.checkpointDir !== undefined && first) {
    await CheckpointDir.open(flags.checkpointDir, flags.checkpointKeep); // checked before loading
  }
  const { dir, meta } = await partitionDirectory(
    flags.datasetRootDir,
    flags.numNodes,
    "--num_nodes",
    flags.edgeWeight,
  );
  requireTaskData(`--dataset_root_dir=${dir}`, flags.task, {
    numClasses: meta.dataset.numClasses,
    links: meta.links !== undefined,
  });
  const secret = await clusterSecret(flags);
  const partitioning = await partitionFields(meta);
  if (flags.nodeAddr !== undefined) checkListenAddress("--node_addr", flags.nodeAddr);
  const peerTimeoutMs = flags.peerTimeoutMs;
  const coordinatorUrl = `ws://${hostPort(flags.masterAddr, flags.masterPort)}`;
  return await runClusterProcess(name, async (scope) => {
    // The first trainer hosts the coordinator; before anyone joins, a census
    // forms the world, so that nodes may run different numbers of trainers.
    let host: WorldHost | undefined;
    if (first) {
      host = await listening(
        "the coordinator",
        flags.masterAddr,
        flags.masterPort,
        () =>
          serveWorld({
            hostname: flags.masterAddr,
            port: flags.masterPort,
            expect: {
              nodes: flags.numNodes,
              ...(flags.worldSize === undefined ? {} : { size: flags.worldSize }),
            },
            secret,
            joinTimeoutMs: flags.rpcTimeoutMs,
            peerTimeoutMs,
          }),
      );
      scope.onClose(() => host!.close());
    }
    const census = await takeCensus({
      node: flags.nodeRank,
      local: localRank,
      count: flags.numTrainingProcs ?? null,
      rank: flags.rank ?? null,
      timeoutMs: flags.rpcTimeoutMs,
    }, { coordinatorUrl, secret, name, connectDeadlineMs: flags.rpcTimeoutMs, peerTimeoutMs });
    const place = worldPlaces(census);
    const rank = flags.rank ??
      census.places.findIndex((p) => p.node === flags.nodeRank && p.local === localRank);
    const worldSize = census.size;
    const procs = place.counts[flags.nodeRank]!;
    // What every rank must agree on; the world's shape comes from the census,
    // the same for all, and is recorded so a checkpoint resumes only on it.
    const fingerprint: Fingerprint = [
      ...protocolField(),
      ["--num_nodes", String(flags.numNodes)],
      ["trainers per node", place.counts.join(",")],
      ...partitioning,
      ...trainingFields(flags),
    ];
    const checkpoints = rank === 0 ? await RunCheckpoints.open(flags, fingerprint) : undefined;
    if (host) {
      const title = `webgnn: ${worldSize} trainers on ${flags.numNodes} nodes`;
      await hostDashboard(scope, await host.coordinator, secret, flags.dashboard, title);
    }
    const ports = rankPorts(flags, rank, worldSize);
    const metricsPath = metricsPathFor(flags.metrics, rank);
    if (metricsPath !== undefined) checkWritable("--metrics", metricsPath);
    const partition = await loadPartitionSeeds(dir, flags.nodeRank);
    const links = flags.task === "link" ? await loadPartitionLinks(dir, flags.nodeRank) : undefined;
    const nodeAddr = await nodeAddress(flags);
    if (flags.adapter !== undefined) await useWebGpuAdapter(flags.adapter);
    const device: Device = await createDevice(flags.device, {
      ...(rank === 0 ? {} : { notice: () => {} }),
      ...(flags.cpuThreads === undefined ? {} : { threads: flags.cpuThreads }),
    });
    scope.onClose(() => device.destroy());
    const methods = new MethodTable();
    const mailbox = new RingMailbox(`rank ${(rank + worldSize - 1) % worldSize}`);
    mailbox.register(methods);
    const service = await listening(
      `rank ${rank}'s partition server`,
      nodeAddr,
      ports.partition,
      () =>
        PartitionServer.start({
          dir,
          partition: flags.nodeRank,
          hostname: nodeAddr,
          port: ports.partition,
          secret,
          name: `partition ${flags.nodeRank} (${name}, rank ${rank})`,
          timeoutMs: localStartMs(flags.rpcTimeoutMs),
          peerTimeoutMs,
          edgeWeights: flags.edgeWeight,
        }),
    );
    scope.onClose(() => service.close());
    const server: RpcServer = await listening(
      `rank ${rank}'s RPC server`,
      nodeAddr,
      ports.rpc,
      () =>
        serveRpc({
          hostname: nodeAddr,
          port: ports.rpc,
          secret,
          methods,
          name: `${name} (rank ${rank})`, // as peers see it, with the address, in their errors
          peerTimeoutMs,
        }),
    );
    scope.onClose(() => server.close());
    const world = await WorldMember.join({
      coordinatorUrl,
      rank,
      role: "trainer",
      address: server.url,
      services: { [PARTITION_SERVICE]: service.url },
      secret,
      fingerprint,
      connectDeadlineMs: flags.rpcTimeoutMs,
      joinTimeoutMs: flags.rpcTimeoutMs,
      peerTimeoutMs,
    });
    scope.joined(world);
    const left = world.world.ranks[(rank + worldSize - 1) % worldSize]!;
    mailbox.left = `rank ${left.rank} (${left.role} at ${left.address})`;
    // Node p's partition is fetched from one of its trainers, spread by local index.
    const peers: (string | undefined)[] = [];
    for (let p = 0; p < flags.numNodes; p++) {
      if (p === flags.nodeRank) continue;
      const there = place.ranksOf[p]!;
      peers[p] = serviceUrl(
        world.world.ranks[there[localRank % there.length]!]!,
        PARTITION_SERVICE,
      );
    }
    const { ring, right } = await openRing({
      addresses: world.world.ranks.map((r) => r.address),
      index: rank,
      secret,
      mailbox,
      timeoutMs: flags.rpcTimeoutMs,
      connectDeadlineMs: flags.rpcTimeoutMs,
      peerTimeoutMs,
    });
    if (right) scope.onClose(() => right.close("training done"));
    // Sampling and feature fetching run in the partition server's Worker,
    // so that remote round trips progress while this thread trains.
    const source = await WorkerSampler.connect({
      device,
      server: service,
      peers,
      secret,
      fanouts: flags.fanout,
      dim: partition.meta.dataset.featureDim,
      numNodes: partition.partitionBook[partition.partitionBook.length - 1]!,
      timeoutMs: flags.rpcTimeoutMs,
      peerTimeoutMs,
      signal: world.shutdownSignal,
      weighted: flags.edgeWeight,
    });

    const model = new SageModel(device, {
      inDim: partition.meta.dataset.featureDim,
      hidden: flags.hidden,
      outDim: links ? flags.outChannels : partition.meta.dataset.numClasses,
      numLayers: flags.numLayers,
      dropout: flags.dropout,
      seed: flags.seed,
    });
    // Every rank reads the same file: all start with the same parameters.
    if (flags.initModel !== undefined) await startFrom(device, model, flags.initModel);
    // A checkpoint rank 0 resumed from overrides it; rank 0's state reaches every rank.
    const resumed = checkpoints?.resume(device, model) ?? 0;
    const startEpoch = await broadcastTrainingState(device, model, ring, resumed);
    if (rank === 0) {
      console.log(
        `webgnn: ${
          trainers(place.counts)
        }, partitions of ${dir} (${partition.meta.partitioner}), ` +
          `on ${device.description}, fan-out [${flags.fanout}]${
            flags.edgeWeight ? " by edge weight" : ""
          }, ${model.numParameters} parameters`,
      );
    }
    const steps = stepsPerEpoch(
      partition.meta.partitions.map((p) => links ? p.linkTrain ?? 0 : p.train),
      place.counts,
      flags.batchSize,
    );
    const live = new LiveReporter(rank, (r) => world.report(r), 1000, true);
    scope.onClose(() => live.close());
    const reducers = ringReducers(device, model, ring, world.shutdownSignal);
    // Link prediction: this trainer's contiguous share of its partition's training edges.
    const own = links && contiguousShare(links.train.source.length, procs, localRank);
    const task = links && own
      ? linkSetup({
        device,
        model,
        source,
        train: {
          source: links.train.source.subarray(own.first, own.first + own.count),
          target: links.train.target.subarray(own.first, own.first + own.count),
        },
        firstEdge: links.trainOffset + own.first,
        eval: links,
        numNodes: partition.partitionBook[partition.partitionBook.length - 1]!,
        share: { index: rank, count: worldSize },
        sum: (v) => untilShutdown(ring.allReduce(v, "sum"), world.shutdownSignal),
      }, flags)
      : {
        model: sageTrainable(model, flags.lr),
        source,
        trainSeeds: shareOf(partition.train, procs, localRank),
        validSeeds: shareOf(partition.valid, procs, localRank),
        testSeeds: shareOf(partition.test, procs, localRank),
        labelOf: (id: number) => partition.labels[id - partition.offset]!,
      };
    const metrics = await runTraining({
      device,
      ...task,
      name,
      stepsPerEpoch: () => Promise.resolve(steps),
      ...reducers,
      print: rank === 0,
      metricsPath,
      live,
      ...keeperFor(flags, {
        device,
        model,
        write: rank === 0,
        dataset: partition.meta.dataset.name,
        resumedAfter: startEpoch,
      }),
      startEpoch,
      ...(checkpoints ? { afterEpoch: (e) => checkpoints.afterEpoch(device, model, e) } : {}),
    }, { ...flags, quiet: flags.quiet || rank !== 0 });
    await world.barrier("training done", flags.rpcTimeoutMs);
    return metrics;
  }, report);
}

/** `2 nodes x 2 trainers`, or `2 nodes, 3 trainers (1 + 2)` when nodes differ. */
function trainers(counts: readonly number[]): string {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.every((c) => c === counts[0])
    ? `${counts.length} nodes x ${counts[0]} trainers`
    : `${counts.length} nodes, ${total} trainers (${counts.join(" + ")})`;
}

/** Trainer `k` of `procs`' contiguous share of `n` training edges (as many as `shareOf` gives, within one). */
function contiguousShare(n: number, procs: number, k: number): { first: number; count: number } {
  const first = Math.floor(n * k / procs);
  return { first, count: Math.floor(n * (k + 1) / procs) - first };
}
