import { parseDocument } from "yaml";
import { z } from "zod";
import { ClusterConfigError } from "./cluster_config_error.ts";

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
}

/** A parsed and checked cluster file. */
export interface ClusterConfig {
  readonly nodes: readonly ClusterNode[];
  /** Trainers per node, the same on every node; undefined: train's default. */
  readonly numTrainingProcs: number | undefined;
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
};

const defaultsSchema = z.strictObject({
  ...nodeKeys,
  num_training_procs: z.number().int().min(1).optional(),
});
const nodeSchema = z.strictObject({ host: text, node_addr: text.optional(), ...nodeKeys });
const schema = z.strictObject({
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
  const parsed = schema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ClusterConfigError(`${source}: ${keyPath(issue.path)}: ${describe(issue)}`);
  }
  const { defaults = {}, nodes } = parsed.data;
  return {
    numTrainingProcs: defaults.num_training_procs,
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
      };
    }),
  };
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
