import assert from "node:assert/strict";
import { NodeFailedError } from "../../cli/node_failed_error.ts";
import { runNodesOverSsh } from "../../cli/run_nodes_over_ssh.ts";

// A local bash stands in for ssh: the node's side reads the secret line, as
// the remote script does, then fails.
Deno.test("runNodesOverSsh() reports a node's own last error line, not a library's later output", async () => {
  const script = [
    "read -r secret",
    'echo "webgnn: libopenblas.so.0 not available; a slower loop" >&2',
    'echo "webgnn train: --dataset_root_dir=/x: no partition directory" >&2',
    'echo "error: XDG_RUNTIME_DIR is invalid or not set in the environment." >&2',
    "exit 2",
  ].join("\n");
  const err = await runNodesOverSsh(
    [{ name: "node 0", destination: "h0", argv: ["bash", "-c", script] }],
    "s3cret",
    { timeoutMs: 20_000, stopGraceMs: 1000 },
  ).then(() => undefined, (e) => e);
  assert.ok(err instanceof NodeFailedError, String(err));
  assert.match(
    err.message,
    /^node 0 \(h0\) exited with status 2: webgnn train: --dataset_root_dir=\/x: no partition directory$/,
  );
});

Deno.test("runNodesOverSsh() falls back to the last stderr line when no webgnn command wrote one", async () => {
  const err = await runNodesOverSsh(
    [{
      name: "node 1",
      destination: "h1",
      argv: ["bash", "-c", 'read -r s; echo "bash: deno: command not found" >&2; exit 127'],
    }],
    "s",
    { timeoutMs: 20_000, stopGraceMs: 1000 },
  ).then(() => undefined, (e) => e);
  assert.ok(err instanceof NodeFailedError);
  assert.match(err.message, /status 127: bash: deno: command not found$/);
});
