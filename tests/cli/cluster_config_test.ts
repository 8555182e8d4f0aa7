import assert from "node:assert/strict";
import { parseClusterConfig } from "../../cli/cluster_config.ts";
import { ClusterConfigError } from "../../cli/cluster_config_error.ts";
import { UsageError } from "../../cli/usage_error.ts";

Deno.test("parseClusterConfig() gives nodes their rank, the defaults and their own settings", () => {
  const config = parseClusterConfig(
    [
      "defaults:",
      "  working_dir: /opt/webgnn",
      "  dataset_root_dir: data/p2",
      "  num_training_procs: 2",
      "  user: alice",
      "  ssh_options: [ServerAliveInterval=5]",
      "nodes:",
      "  - host: 10.0.0.1",
      "  - host: gpu2",
      "    node_addr: 10.0.0.2",
      "    user: bob",
      "    port: 2222",
      "    identity_file: /keys/id",
      "    working_dir: /srv/webgnn",
      "    deno: /usr/local/bin/deno",
      "    ssh_options: [Compression=yes]",
    ].join("\n"),
    "cluster.yml",
  );
  assert.equal(config.numTrainingProcs, 2);
  assert.deepEqual(config.nodes[0], {
    rank: 0,
    host: "10.0.0.1",
    user: "alice",
    port: undefined,
    identityFile: undefined,
    nodeAddr: "10.0.0.1",
    workingDir: "/opt/webgnn",
    deno: "deno",
    datasetRootDir: "data/p2",
    sshOptions: ["ServerAliveInterval=5"],
    sshConfigFile: undefined,
    numTrainingProcs: 2,
    visibleDevices: undefined,
    role: undefined,
  });
  assert.deepEqual(config.nodes[1], {
    rank: 1,
    host: "gpu2",
    user: "bob",
    port: 2222,
    identityFile: "/keys/id",
    nodeAddr: "10.0.0.2",
    workingDir: "/srv/webgnn",
    deno: "/usr/local/bin/deno",
    datasetRootDir: "data/p2",
    sshOptions: ["ServerAliveInterval=5", "Compression=yes"],
    sshConfigFile: undefined,
    numTrainingProcs: 2,
    visibleDevices: undefined,
    role: undefined,
  });
});

for (
  const [name, yaml, message] of [
    ["text that is not YAML", "nodes: [{host: a", /^c\.yml: not valid YAML: .*line 1/],
    ["an empty file", "", /^c\.yml: \(top level\): expected a mapping, got null/],
    [
      "a missing nodes list",
      "defaults: {working_dir: /w}",
      /^c\.yml: nodes: missing \(expected a list\)/,
    ],
    ["an empty nodes list", "nodes: []", /^c\.yml: nodes: expected at least 1 entry/],
    [
      "nodes given as a mapping",
      "nodes: {host: a}",
      /^c\.yml: nodes: expected a list, got a mapping/,
    ],
    [
      "a node without a host",
      "defaults: {working_dir: /w}\nnodes:\n  - host: a\n  - port: 22",
      /^c\.yml: nodes\[1\]\.host: missing \(expected a string\)/,
    ],
    [
      "a port that is text",
      "nodes: [{host: a, working_dir: /w, port: twenty}]",
      /^c\.yml: nodes\[0\]\.port: expected a number, got string "twenty"/,
    ],
    [
      "a port out of range",
      "nodes: [{host: a, working_dir: /w, port: 70000}]",
      /^c\.yml: nodes\[0\]\.port: expected at most 65535, got number 70000/,
    ],
    [
      "zero trainers per node",
      "defaults: {working_dir: /w, num_training_procs: 0}\nnodes: [{host: a}]",
      /^c\.yml: defaults\.num_training_procs: expected at least 1, got number 0/,
    ],
    [
      "a misspelt key",
      "nodes: [{host: a, working_dir: /w, nod_addr: b}]",
      /^c\.yml: nodes\[0\]: unknown key "nod_addr" \(expected one of host, node_addr, user/,
    ],
    [
      "no working directory anywhere",
      "nodes: [{host: a}]",
      /^c\.yml: nodes\[0\]\.working_dir: missing \(expected the directory holding the webgnn checkout on a/,
    ],
    [
      "an ssh option that is not Key=Value",
      "nodes: [{host: a, working_dir: /w, ssh_options: [-v]}]",
      /^c\.yml: nodes\[0\]\.ssh_options\[0\]: expected Key=Value, got string "-v"/,
    ],
    [
      "a duplicated key",
      "nodes: [{host: a, working_dir: /w}]\nnodes: [{host: b, working_dir: /w}]",
      /^c\.yml: not valid YAML: Map keys must be unique/,
    ],
  ] as const
) {
  Deno.test(`parseClusterConfig() rejects ${name}, naming the file, the key and what was expected`, () => {
    assert.throws(() => parseClusterConfig(yaml, "c.yml"), (err: unknown) => {
      assert.ok(err instanceof ClusterConfigError);
      assert.ok(err instanceof UsageError, "a usage error: exit code 2");
      assert.match(err.message, message);
      return true;
    });
  });
}

Deno.test("parseClusterConfig() accepts the example cluster file at the repository root", async () => {
  const path = new URL("../../cluster.example.yml", import.meta.url);
  const config = parseClusterConfig(await Deno.readTextFile(path), "cluster.example.yml");
  assert.deepEqual(config.nodes.map((n) => [n.rank, n.nodeAddr]), [
    [0, "10.0.0.1"],
    [1, "10.0.0.2"],
    [2, "10.0.0.3"],
  ]);
  assert.equal(config.numTrainingProcs, 2);
});

Deno.test("parseClusterConfig() reads graphlearn-for-pytorch's flat layout once python_bins is deno_bins", () => {
  const glt = [
    "nodes:",
    "  - 10.0.0.2",
    "  - 10.0.0.1",
    "ports: [22, 2222]",
    "deno_bins:",
    "  - /usr/bin/deno",
    "  - /opt/deno",
    "usernames: [root, alice]",
    "dataset: products-p2",
    "node_ranks: [1, 0]",
    "dst_paths: [/srv/webgnn, /opt/webgnn]",
    "visible_devices:",
    "  - 0,1",
    "  - 0,1,2",
  ].join("\n");
  const config = parseClusterConfig(glt, "glt.yml");
  assert.deepEqual(
    config.nodes.map((
      n,
    ) => [n.rank, n.host, n.port, n.user, n.deno, n.workingDir, n.datasetRootDir]),
    [
      [0, "10.0.0.1", 2222, "alice", "/opt/deno", "/opt/webgnn", "products-p2"],
      [1, "10.0.0.2", 22, "root", "/usr/bin/deno", "/srv/webgnn", "products-p2"],
    ],
  );
  // One trainer per visible device.
  assert.deepEqual(config.nodes.map((n) => [n.visibleDevices, n.numTrainingProcs]), [
    [[0, 1, 2], 3],
    [[0, 1], 2],
  ]);
  assert.throws(
    () => parseClusterConfig(glt.replace("deno_bins", "python_bins"), "glt.yml"),
    /glt\.yml: python_bins: webgnn runs Deno, not Python: rename it deno_bins/,
  );
  assert.throws(
    () => parseClusterConfig(glt.replace("ports: [22, 2222]", "ports: [22]"), "glt.yml"),
    /glt\.yml: ports: expected a list with one entry per node \(2, as nodes has\)/,
  );
});

Deno.test("parseClusterConfig() reads server-client mode: every node has a role, both roles present", () => {
  const config = parseClusterConfig(
    [
      "mode: server-client",
      "defaults: { working_dir: /w, num_client_procs_per_node: 2 }",
      "nodes:",
      "  - { host: a, role: server }",
      "  - { host: b, role: client }",
    ].join("\n"),
    "sc.yml",
  );
  assert.deepEqual([config.mode, config.numServerProcsPerNode, config.numClientProcsPerNode], [
    "server-client",
    1,
    2,
  ]);
  assert.throws(
    () =>
      parseClusterConfig(
        "mode: server-client\nnodes: [{host: a, working_dir: /w, role: server}]",
        "sc.yml",
      ),
    /sc\.yml: nodes: no node has role client/,
  );
  assert.throws(
    () => parseClusterConfig("nodes: [{host: a, working_dir: /w, role: server}]", "c.yml"),
    /c\.yml: nodes\[0\]\.role: only for mode: server-client/,
  );
});
