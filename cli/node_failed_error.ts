/**
 * A node of a launched cluster that exited with a failure status: names the
 * node, its status and the last line it wrote on stderr.
 *
 * @example
 * ```ts
 * import { NodeFailedError } from "./node_failed_error.ts";
 * const e = new NodeFailedError("node 1 (10.0.0.2)", 2, "webgnn train: no partition directory");
 * console.log(e.message); // node 1 (10.0.0.2) exited with status 2: webgnn train: no partition directory
 * ```
 */
export class NodeFailedError extends Error {
  override readonly name = "NodeFailedError";
  readonly node: string;
  readonly status: number;

  constructor(node: string, status: number, lastError: string | undefined) {
    const how = status === 255
      ? `could not be reached over ssh (status 255)`
      : `exited with status ${status}`;
    super(`${node} ${how}${lastError ? `: ${lastError}` : ""}`);
    this.node = node;
    this.status = status;
  }
}
