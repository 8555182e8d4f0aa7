import { nodeAddress } from "./node_address.ts";
import { listening, rankPorts } from "./rank_ports.ts";
import { checkWritable } from "./check_writable.ts";
import { clusterSecret } from "./cluster_secret.ts";
import { connectRpc } from "../dist/rpc/connect_rpc.ts";
import { broadcastTrainingState } from "../dist/cluster/broadcast_state.ts";
import { ringReducers } from "../dist/cluster/ring_reducers.ts";
import {
  partitionFields,
  protocolField,
  serverClientFields,
  trainingFields,
} from "./job_fingerprint.ts";
import { CheckpointDir } from "./checkpoint_dir.ts";
import { RunCheckpoints } from "./run_checkpoints.ts";
import { createDevice } from "../engine/create_device.ts";
import { useWebGpuAdapter } from "../engine/webgpu_adapters.ts";
import type { Device } from "../engine/device.ts";
import { SageModel } from "../engine/sage_model.ts";
import { MethodTable } from "../dist/rpc/method_table.ts";
import { openRing } from "../dist/cluster/open_ring.ts";
import { RemoteMinibatchSampler } from "../dist/serving/remote_minibatch_sampler.ts";
import { RingMailbox } from "../dist/cluster/ring_mailbox.ts";
import type { RpcClient } from "../dist/rpc/rpc_client.ts";
import { type RpcServer, serveRpc } from "../dist/rpc/serve_rpc.ts";
import { WorldMember } from "../dist/cluster/world_member.ts";
import {
  clientResponse,
  describeResponse,
  MINIBATCH_ATTACH,
  MINIBATCH_DESCRIBE,
  MINIBATCH_EPOCH,
  MINIBATCH_FINISH,
  MINIBATCH_HEARTBEAT,
  MINIBATCH_LIST_SEEDS,
  MINIBATCH_MAX_BYTES,
  seedsResponse,
} from "../dist/serving/methods.ts";
import { callChecked } from "../dist/rpc/call_checked.ts";
import { type EpochMetrics, metricsPathFor, runTraining } from "./run_training.ts";
import { keeperFor } from "./keep_model.ts";
import { startFrom } from "./model_file_options.ts";
import type { ServerClientFlags } from "./server_client_flags.ts";
import { stepsPerEpoch } from "./steps_per_epoch.ts";
import { sageTrainable } from "../engine/sage_trainable.ts";
import { UsageError } from "./usage_error.ts";
import { linkSetup } from "./link_setup.ts";
import { requireTaskData } from "./require_task_data.ts";
import { firstDifference } from "../dist/cluster/fingerprint.ts";
import { untilShutdown } from "../dist/cluster/until_shutdown.ts";
import { loadPartitionLinks, type PartitionLinks } from "../partition/load_partition_links.ts";
import { checkListenAddress, hostPort, partitionDirectory, runClusterProcess } from "./_cluster.ts";
import type { ReportError } from "./run_command.ts";

/** How long a client's attachment to its server may last: one day (a timer must be finite). */
const ATTACH_MS = 86_400_000;

/**
 * One training client process of server-client mode. Client `c` (world rank
 * `numServers + c`) pulls whole minibatches from server `c % numServers`,
 * trains on its share of that server's partition's training seeds, and
 * averages gradients with the other clients (only) by ring all-reduce every
 * step; test accuracy is summed over the clients. Client 0 prints the epoch
 * lines and alone writes and reads `--checkpoint_dir` (its state reaches the
 * others at the start). Any failure ends the whole world with an error naming
 * this client. With `--task=link` the client reads its training edges from
 * the partition directory (`--dataset_root_dir`, the servers' own, checked
 * against theirs): its contiguous share of its server's partition's, and
 * scores its share of the validation and test edges.
 *
 * @example
 * ```ts ignore
 * import { runClient } from "./run_client.ts";
 * const metrics = await runClient(flags, 0);
 * ```
 */
export async function runClient(
  flags: ServerClientFlags,
  localRank: number,
  report?: ReportError,
): Promise<EpochMetrics[]> {
  const numServers = flags.numServers;
  const numClients = flags.numClients;
  const c = flags.nodeRank * flags.numClientProcsPerNode + localRank;
  const rank = numServers + c;
  const name = `client ${c}`;
  const timeoutMs = flags.rpcTimeoutMs;
  const metricsPath = metricsPathFor(flags.metrics, c);
  if (metricsPath !== undefined) checkWritable("--metrics", metricsPath);
  if (flags.saveModel !== undefined && c === 0) checkWritable("--save_model", flags.saveModel);
  const secret = await clusterSecret(flags);
  if (c === 0 && flags.checkpointDir !== undefined) {
    await CheckpointDir.open(flags.checkpointDir, flags.checkpointKeep); // checked before joining
  }
  const peerTimeoutMs = flags.peerTimeoutMs;
  if (flags.nodeAddr !== undefined) checkListenAddress("--node_addr", flags.nodeAddr);
  const linkDir = flags.task === "link"
    ? await partitionDirectory(flags.datasetRootDir, flags.numServers, "--num_dataset_partitions")
    : undefined;
  if (linkDir) {
    requireTaskData(`--dataset_root_dir=${linkDir.dir}`, "link", {
      numClasses: linkDir.meta.dataset.numClasses,
      links: linkDir.meta.links !== undefined,
    });
  }
  return await runClusterProcess(name, async (scope) => {
    if (flags.adapter !== undefined) await useWebGpuAdapter(flags.adapter);
    const device: Device = await createDevice(flags.device, {
      ...(c === 0 ? {} : { notice: () => {} }),
      ...(flags.cpuThreads === undefined ? {} : { threads: flags.cpuThreads }),
    });
    scope.onClose(() => device.destroy());
    const methods = new MethodTable();
    const mailbox = new RingMailbox(`client ${(c + numClients - 1) % numClients}`);
    mailbox.register(methods);
    const nodeAddr = await nodeAddress(flags);
    const { rpc } = rankPorts(flags, rank, numServers + numClients);
    const own: RpcServer = await listening(
      `${name}'s RPC server`,
      nodeAddr,
      rpc,
      () =>
        serveRpc({
          hostname: nodeAddr,
          port: rpc,
          secret,
          methods,
          name: `${name} (rank ${rank})`, // as peers see it, with the address, in their errors
          peerTimeoutMs,
        }),
    );
    scope.onClose(() => own.close());
    const world = await WorldMember.join({
      coordinatorUrl: `ws://${hostPort(flags.masterAddr, flags.masterPort)}`,
      rank,
      role: "client",
      address: own.url,
      secret,
      fingerprint: [...protocolField(), ...serverClientFields(flags), ...trainingFields(flags)],
      connectDeadlineMs: timeoutMs,
      joinTimeoutMs: timeoutMs,
      peerTimeoutMs,
    });
    scope.joined(world);
    const clientRanks = world.world.ranks.filter((r) => r.role === "client");
    const left = clientRanks[(c + numClients - 1) % numClients]!;
    mailbox.left = `client ${
      (c + numClients - 1) % numClients
    } (rank ${left.rank} at ${left.address})`;
    const serverIndex = c % numServers;
    const server: RpcClient = await connectRpc(world.world.ranks[serverIndex]!.address, {
      secret,
      // The server's errors about this client name its rank and address.
      name: `client ${c} (rank ${rank} at ${own.url})`,
      connectDeadlineMs: timeoutMs,
      maxMessageBytes: MINIBATCH_MAX_BYTES,
      heartbeat: { method: MINIBATCH_HEARTBEAT, peerTimeoutMs },
    });
    scope.onClose(() => server.close("training done"));
    const attached = callChecked(server, MINIBATCH_ATTACH, { client: c }, clientResponse, {
      timeoutMs: ATTACH_MS,
    });
    attached.catch(() => {});
    const info = await callChecked(server, MINIBATCH_DESCRIBE, null, describeResponse, {
      timeoutMs,
    });
    if (info.fanouts.join(",") !== flags.fanout.join(",")) {
      throw new UsageError(
        `--fanout=${flags.fanout} differs from the servers' --fanout=${info.fanouts}: give both the same`,
      );
    }
    // Client c is the (c / numServers)-th of the clients its server serves.
    const share = {
      index: Math.floor(c / numServers),
      count: Math.ceil((numClients - serverIndex) / numServers),
    };
    const seeds = (split: "train" | "valid" | "test") =>
      callChecked(server, MINIBATCH_LIST_SEEDS, { split, ...share }, seedsResponse, { timeoutMs });
    let links: PartitionLinks | undefined;
    const labels = new Map<number, number>();
    let nodeSeeds: { train: Int32Array; valid: Int32Array; test: Int32Array } | undefined;
    if (linkDir) {
      // The servers' partitions must be the ones this client read its edges from.
      const d = firstDifference(await partitionFields(linkDir.meta), info.partitionFields);
      if (d) {
        throw new UsageError(
          `--dataset_root_dir=${linkDir.dir} is not the servers' partition directory: its ` +
            `${d.field} is ${d.mine}, theirs ${d.theirs}`,
        );
      }
      links = await loadPartitionLinks(linkDir.dir, serverIndex);
    } else {
      const train = await seeds("train");
      const valid = await seeds("valid");
      const test = await seeds("test");
      for (const s of [train, valid, test]) {
        s.seeds.forEach((id, i) => labels.set(id, s.labels[i]!));
      }
      nodeSeeds = { train: train.seeds, valid: valid.seeds, test: test.seeds };
    }
    const { ring, right } = await openRing({
      addresses: clientRanks.map((r) => r.address),
      index: c,
      secret,
      mailbox,
      timeoutMs,
      connectDeadlineMs: timeoutMs,
      peerTimeoutMs,
    });
    if (right) scope.onClose(() => right.close("training done"));
    await world.barrier("servers ready", timeoutMs);
    const source = new RemoteMinibatchSampler({
      device,
      server,
      fanouts: info.fanouts,
      dim: info.featureDim,
      timeoutMs: timeoutMs * (info.fanouts.length + 3),
      signal: world.shutdownSignal,
    });
    const model = new SageModel(device, {
      inDim: info.featureDim,
      hidden: flags.hidden,
      outDim: links ? flags.outChannels : info.numClasses,
      numLayers: flags.numLayers,
      dropout: flags.dropout,
      seed: flags.seed,
    });
    if (flags.initModel !== undefined) await startFrom(device, model, flags.initModel);
    // Client 0 alone keeps checkpoints; what it resumed (or its parameters) reaches every client.
    const checkpoints = c === 0
      ? await RunCheckpoints.open(flags, [
        ...protocolField(),
        ...serverClientFields(flags),
        ...info.partitionFields,
        ...trainingFields(flags),
      ])
      : undefined;
    const resumed = checkpoints?.resume(device, model) ?? 0;
    const startEpoch = await broadcastTrainingState(device, model, ring, resumed);
    if (c === 0) {
      console.log(
        `webgnn: ${numServers} sampling servers, ${numClients} training clients (${info.partitioner} partitions), ` +
          `on ${device.description}, fan-out [${flags.fanout}]${
            flags.edgeWeight ? " by edge weight" : ""
          }, ${model.numParameters} parameters`,
      );
    }
    // Every client takes as many steps as the busiest one.
    let steps = 0;
    const counts = linkDir
      ? linkDir.meta.partitions.map((p) => p.linkTrain ?? 0)
      : info.trainCounts;
    counts.forEach((n, s) => {
      const clientsOfS = Math.ceil((numClients - s) / numServers);
      steps = Math.max(steps, stepsPerEpoch([n], clientsOfS, flags.batchSize));
    });
    let task;
    if (links) {
      const n = links.train.source.length;
      const first = Math.floor(n * share.index / share.count);
      const end = Math.floor(n * (share.index + 1) / share.count);
      task = linkSetup({
        device,
        model,
        source,
        train: {
          source: links.train.source.subarray(first, end),
          target: links.train.target.subarray(first, end),
        },
        firstEdge: links.trainOffset + first,
        eval: links,
        numNodes: info.numNodes,
        share: { index: c, count: numClients },
        sum: (v) => untilShutdown(ring.allReduce(v, "sum"), world.shutdownSignal),
      }, flags);
    } else {
      task = {
        model: sageTrainable(model, flags.lr),
        source,
        trainSeeds: nodeSeeds!.train,
        validSeeds: nodeSeeds!.valid,
        testSeeds: nodeSeeds!.test,
        labelOf: (id: number) => labels.get(id)!,
      };
    }
    const metrics = await runTraining({
      device,
      ...task,
      name,
      stepsPerEpoch: () => Promise.resolve(steps),
      ...ringReducers(device, model, ring, world.shutdownSignal),
      print: c === 0,
      metricsPath,
      ...keeperFor(flags, {
        device,
        model,
        write: c === 0,
        dataset: info.dataset,
        resumedAfter: startEpoch,
      }),
      startEpoch,
      ...(checkpoints ? { afterEpoch: (e) => checkpoints.afterEpoch(device, model, e) } : {}),
      onEpoch: async (m) => {
        const report = {
          client: c,
          epoch: m.epoch,
          epochs: flags.epochs,
          loss: m.loss,
          // With --task=link the servers (of the same --task) read these as AUC.
          validAccuracy: m.validAuc === undefined ? m.validAccuracy : m.validAuc,
          testAccuracy: m.testAuc === undefined ? m.testAccuracy : m.testAuc,
        };
        await callChecked(server, MINIBATCH_EPOCH, report, clientResponse, { timeoutMs });
      },
    }, { ...flags, quiet: flags.quiet || c !== 0 });
    await callChecked(server, MINIBATCH_FINISH, { client: c }, clientResponse, { timeoutMs });
    await attached;
    await world.barrier("training done", timeoutMs);
    return metrics;
  }, report);
}
