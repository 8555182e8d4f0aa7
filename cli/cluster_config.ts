import { parseDocument } from "yaml";
import { z } from "zod";
import { ClusterConfigError } from "./cluster_config_error.ts";
import { fromGltLayout } from "./glt_cluster_layout.ts";

/** One node of a cluster file, with the file's defaults applied. */
export interface ClusterNode {
  /** The node's rank: its position in the file's `nodes` list. */
  readonly rank: number;
  /** Where ssh connects to (a host name, an address or an ssh config alias). */
  readonly host: string;
  readonly user: string | undefined;
  readonly port: number | undefined;
  readonly identityFile: string | undefined;
  /** The address this node's RPC servers listen on (`--node_addr`); default `host`. */
  readonly nodeAddr: string;
  /** The directory on the node holding the webgnn checkout. */
  readonly workingDir: string;
  /** The deno executable on the node; default `deno` on its PATH. */
  readonly deno: string;
  /** The partition directory on the node, relative to `workingDir` or absolute. */
  readonly datasetRootDir: string | undefined;
  /** Extra `ssh -o` options, `Key=Value`. */
  readonly sshOptions: readonly string[];
  /** An ssh client config file (`ssh -F`). */
  readonly sshConfigFile: string | undefined;
  /** Trainers on this node (its own `num_training_procs`, else the default); undefined: train's. */
  readonly numTrainingProcs: number | undefined;
  /** GLT's `visible_devices`: the node's devices, one trainer each. */
  readonly visibleDevices: readonly number[] | undefined;
  /** In server-client mode: whether the node runs sampling servers or training clients. */
  readonly role: "server" | "client" | undefined;
}

/** A parsed and checked cluster file. */
export interface ClusterConfig {
  /** `collocated` (every node trains) or `server-client` (nodes with `role: server` or `client`). */
  readonly mode: "collocated" | "server-client";
  readonly nodes: readonly ClusterNode[];
  /** The default trainers per node (nodes may set their own); undefined: train's default. */
  readonly numTrainingProcs: number | undefined;
  /** In server-client mode, processes per server node and per client node (default 1). */
  readonly numServerProcsPerNode: number;
  readonly numClientProcsPerNode: number;
}

const text = z.string().min(1);
const port = z.number().int().min(1).max(65535);

/** The keys a node may set and `defaults` may set for every node. */
const nodeKeys = {
  user: text.optional(),
  port: port.optional(),
  identity_file: text.optional(),
  working_dir: text.optional(),
  deno: text.optional(),
  dataset_root_dir: text.optional(),
  ssh_options: z.array(text.regex(/^[A-Za-z]+=.+$/, "expected Key=Value")).optional(),
  ssh_config_file: text.optional(),
  num_training_procs: z.number().int().min(1).optional(),
};

/** `0,1,2` (as GLT writes it), `[0, 1, 2]` or `3`: device indices. */
const devices = z.union([
  z.string().regex(/^\s*\d+\s*(,\s*\d+\s*)*$/, "expected device indices such as 0,1,2,3"),
  z.array(z.number().int().nonnegative()).min(1),
  z.number().int().nonnegative(),
]).transform((v) =>
  typeof v === "number" ? [v] : typeof v === "string" ? v.split(",").map(Number) : v
);

const defaultsSchema = z.strictObject({
  ...nodeKeys,
  num_server_procs_per_node: z.number().int().min(1).optional(),
  num_client_procs_per_node: z.number().int().min(1).optional(),
});
const nodeSchema = z.strictObject({
  host: text,
  node_addr: text.optional(),
  ...nodeKeys,
  role: z.enum(["server", "client"]).optional(),
  visible_devices: devices.optional(),
});
const schema = z.strictObject({
  mode: z.enum(["collocated", "server-client"]).optional(),
  defaults: defaultsSchema.optional(),
  nodes: z.array(nodeSchema).min(1),
});

/**
 * Parses a YAML cluster file for `deno task launch`: a `nodes` list (rank =
 * position) and optional `defaults` that every node inherits unless it sets
 * the key itself. Unknown keys are errors, so a typo does not silently fall
 * back to a default. Throws {@linkcode ClusterConfigError} naming `source`,
 * the key and what was expected.
 *
 * @example
 * ```ts
 * import { parseClusterConfig } from "./cluster_config.ts";
 * const config = parseClusterConfig(
 *   [
 *     "defaults: { working_dir: /opt/webgnn, dataset_root_dir: data/p2 }",
 *     "nodes:",
 *     "  - host: 10.0.0.1",
 *     "  - { host: gpu2, node_addr: 10.0.0.2, user: alice }",
 *   ].join("\n"),
 *   "cluster.yml",
 * );
 * console.log(config.nodes[1]?.nodeAddr); // "10.0.0.2"
 * ```
 */
export function parseClusterConfig(yamlText: string, source: string): ClusterConfig {
  const doc = parseDocument(yamlText, { uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new ClusterConfigError(`${source}: not valid YAML: ${yamlError.message.split("\n")[0]}`);
  }
  const parsed = schema.safeParse(fromGltLayout(doc.toJS(), source), { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ClusterConfigError(`${source}: ${keyPath(issue.path)}: ${describe(issue)}`);
  }
  const { defaults = {}, nodes, mode = "collocated" } = parsed.data;
  checkRoles(mode, nodes.map((n) => n.role), source);
  return {
    mode,
    numTrainingProcs: defaults.num_training_procs,
    numServerProcsPerNode: defaults.num_server_procs_per_node ?? 1,
    numClientProcsPerNode: defaults.num_client_procs_per_node ?? 1,
    nodes: nodes.map((n, rank): ClusterNode => {
      const workingDir = n.working_dir ?? defaults.working_dir;
      if (workingDir === undefined) {
        throw new ClusterConfigError(
          `${source}: nodes[${rank}].working_dir: missing (expected the directory holding the ` +
            `webgnn checkout on ${n.host}, on the node or under defaults)`,
        );
      }
      return {
        rank,
        host: n.host,
        user: n.user ?? defaults.user,
        port: n.port ?? defaults.port,
        identityFile: n.identity_file ?? defaults.identity_file,
        nodeAddr: n.node_addr ?? n.host,
        workingDir,
        deno: n.deno ?? defaults.deno ?? "deno",
        datasetRootDir: n.dataset_root_dir ?? defaults.dataset_root_dir,
        sshOptions: [...(defaults.ssh_options ?? []), ...(n.ssh_options ?? [])],
        sshConfigFile: n.ssh_config_file ?? defaults.ssh_config_file,
        numTrainingProcs: n.visible_devices?.length ?? n.num_training_procs ??
          defaults.num_training_procs,
        visibleDevices: n.visible_devices,
        role: n.role,
      };
    }),
  };
}

/** Server-client mode needs every node's role, at least one of each; collocated mode none. */
function checkRoles(mode: string, roles: readonly (string | undefined)[], source: string): void {
  const missing = roles.findIndex((r) => r === undefined);
  if (mode === "server-client") {
    if (missing >= 0) {
      throw new ClusterConfigError(
        `${source}: nodes[${missing}].role: missing (expected server or client: mode is server-client)`,
      );
    }
    for (const role of ["server", "client"]) {
      if (!roles.includes(role)) {
        throw new ClusterConfigError(
          `${source}: nodes: no node has role ${role} (mode is server-client)`,
        );
      }
    }
  } else {
    const i = roles.findIndex((r) => r !== undefined);
    if (i >= 0) {
      throw new ClusterConfigError(
        `${source}: nodes[${i}].role: only for mode: server-client (this file is collocated)`,
      );
    }
  }
}

/** `nodes[1].port` from `["nodes", 1, "port"]`; `(top level)` for `[]`. */
function keyPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path.map((k, i) => typeof k === "number" ? `[${k}]` : `${i ? "." : ""}${String(k)}`)
    .join("");
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `missing (expected ${article(issue.expected)})`
        : `expected ${article(issue.expected)}, got ${shown(issue.input)}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${
        issue.keys.map((k) => `"${k}"`).join(", ")
      } (expected one of ${allowedKeys(issue.path).join(", ")})`;
    case "too_small":
      return issue.origin === "array"
        ? `expected at least ${issue.minimum} entr${issue.minimum === 1 ? "y" : "ies"}`
        : issue.origin === "string"
        ? "expected a non-empty string"
        : `expected at least ${issue.minimum}, got ${shown(issue.input)}`;
    case "too_big":
      return `expected at most ${issue.maximum}, got ${shown(issue.input)}`;
    default:
      return `${issue.message}${issue.input === undefined ? "" : `, got ${shown(issue.input)}`}`;
  }
}

function allowedKeys(path: readonly PropertyKey[]): string[] {
  const shape = path.length === 0
    ? schema.shape
    : path[0] === "defaults"
    ? defaultsSchema.shape
    : nodeSchema.shape;
  return Object.keys(shape);
}

function article(type: string): string {
  if (type === "array") return "a list";
  if (type === "object") return "a mapping";
  return type === "int" ? "an integer" : `a ${type}`;
}

function shown(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null (an empty value)";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}
