// launch's other layouts and modes against a real sshd (see _ssh_cluster.ts):
// a cluster file in graphlearn-for-pytorch's flat layout with the metrics
// copied back, and server-client mode.
import assert from "node:assert/strict";
import { testNeeding } from "../_needs.ts";
import { freePort, HOSTS, launch, REPO, SSH, TINY, withCluster } from "./_ssh_cluster.ts";

await testNeeding(
  SSH,
  "launch reads GLT's flat cluster file (deno_bins for python_bins) and --collect copies every node's metrics back",
  async () => {
    await withCluster(async (dir) => {
      await Deno.writeTextFile(
        `${dir}/glt.yml`,
        [
          `nodes: [${HOSTS.join(", ")}]`,
          "node_ranks: [0, 1]",
          `deno_bins: [${Deno.execPath()}, ${Deno.execPath()}]`,
          `dst_paths: [${REPO}, ${REPO}]`,
          `dataset: ${dir}/parts`,
          "defaults:",
          `  ssh_config_file: ${dir}/ssh_config`,
          "",
        ].join("\n"),
      );
      await Deno.mkdir(`${dir}/remote`);
      const r = await launch([
        `--config=${dir}/glt.yml`,
        `--master_port=${freePort()}`,
        `--collect=${dir}/collected`,
        "--epochs=1",
        `--metrics=${dir}/remote/m{rank}.jsonl`,
        ...TINY,
      ], 120_000);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\[node 0\] \S+Z Epoch 1\/1: /m);
      assert.match(r.stdout, /webgnn launch: copied 2 metrics files into /);
      for (const rank of [0, 1]) {
        assert.equal(
          await Deno.readTextFile(`${dir}/collected/m${rank}.jsonl`),
          await Deno.readTextFile(`${dir}/remote/m${rank}.jsonl`),
        );
      }
    });
  },
);

await testNeeding(
  SSH,
  "launch in server-client mode starts the servers and the clients with their counts and ranks",
  async () => {
    await withCluster(async (dir) => {
      await Deno.writeTextFile(
        `${dir}/sc.yml`,
        [
          "mode: server-client",
          "defaults:",
          "  num_client_procs_per_node: 2",
          `  working_dir: ${REPO}`,
          `  deno: ${Deno.execPath()}`,
          `  dataset_root_dir: ${dir}/parts`,
          `  ssh_config_file: ${dir}/ssh_config`,
          "nodes:",
          // Clients first in the file: launch still numbers servers and clients apart.
          `  - { host: ${HOSTS[0]}, role: client }`,
          ...HOSTS.map((h) => `  - { host: ${h}, role: server }`),
          "",
        ].join("\n"),
      );
      const r = await launch([
        `--config=${dir}/sc.yml`,
        `--master_port=${freePort()}`,
        "--epochs=1",
        ...TINY,
      ], 120_000);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\[client node 0\] \S+Z Epoch 1\/1: .*test accuracy/m);
      assert.match(r.stdout, /^\[server node 1\] /m);
    });
  },
);
