import { UsageError } from "./usage_error.ts";

/**
 * A cluster file that cannot be used: unreadable, not YAML, or a key missing
 * or of the wrong type. The message names the file, the key and what was
 * expected; as a {@linkcode UsageError} it exits with code 2.
 *
 * @example
 * ```ts
 * import { ClusterConfigError } from "./cluster_config_error.ts";
 * const e = new ClusterConfigError("cluster.yml: nodes[1].host: missing (expected a string)");
 * console.log(e.message);
 * ```
 */
export class ClusterConfigError extends UsageError {}
