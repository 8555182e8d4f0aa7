/**
 * The messages between `ThreadedMinibatchSource` and its Worker
 * (`minibatch_worker.ts`): one tagged union each way, checked on receipt.
 *
 * @example
 * ```ts
 * import { checkWorkerRequest } from "./minibatch_messages.ts";
 * const m = checkWorkerRequest({ kind: "next", id: 1, seeds: new Int32Array([3]), seed: 7 });
 * console.assert(m.kind === "next");
 * ```
 * @module
 */
import type { HostMinibatch } from "./host_minibatch.ts";

/** What the training thread asks of the Worker. */
export type WorkerRequest =
  | {
    readonly kind: "start";
    readonly numNodes: number;
    readonly indptr: Int32Array;
    readonly indices: Int32Array;
    readonly features: Float32Array;
    readonly dim: number;
    readonly fanouts: readonly number[];
    /** Threads of the Worker's CPU device. */
    readonly threads: number;
    /** One weight per `indices` entry: sample by edge weight (absent: uniformly). */
    readonly edgeWeights?: Float32Array;
  }
  | {
    readonly kind: "next";
    readonly id: number;
    readonly seeds: Int32Array;
    readonly seed: number;
  }
  /** Host memory of minibatches already uploaded, for the Worker to reuse; it keeps the `keep` largest spares. */
  | { readonly kind: "recycle"; readonly buffers: readonly ArrayBuffer[]; readonly keep: number }
  | { readonly kind: "close" };

/** What the Worker answers; `id` names the request an error answers (null: none). */
export type WorkerReply =
  | { readonly kind: "ready" }
  | { readonly kind: "closed" }
  | { readonly kind: "batch"; readonly id: number; readonly batch: HostMinibatch }
  | { readonly kind: "error"; readonly id: number | null; readonly message: string };

/** `data` as a request, or a TypeError saying what is wrong with it. */
export function checkWorkerRequest(data: unknown): WorkerRequest {
  const m = data as Partial<Record<string, unknown>> | null;
  const fail = (what: string) => {
    throw new TypeError(`minibatch worker: malformed ${String(m?.kind)} request: ${what}`);
  };
  if (typeof m !== "object" || m === null) return fail("not an object");
  const int = (k: string) => Number.isInteger(m[k]) && (m[k] as number) >= 0 || fail(k);
  switch (m.kind) {
    case "start":
      int("numNodes"), int("dim"), int("threads");
      if (!(m.indptr instanceof Int32Array) || !(m.indices instanceof Int32Array)) fail("graph");
      if (!(m.features instanceof Float32Array)) fail("features");
      if (m.edgeWeights !== undefined && !(m.edgeWeights instanceof Float32Array)) {
        fail("edgeWeights");
      }
      if (!Array.isArray(m.fanouts) || !m.fanouts.every(Number.isInteger)) fail("fanouts");
      return m as WorkerRequest;
    case "next":
      int("id"), int("seed");
      if (!(m.seeds instanceof Int32Array)) fail("seeds");
      return m as WorkerRequest;
    case "recycle":
      int("keep");
      if (!Array.isArray(m.buffers) || !m.buffers.every((b) => b instanceof ArrayBuffer)) {
        fail("buffers");
      }
      return m as WorkerRequest;
    case "close":
      return m as WorkerRequest;
  }
  return fail("unknown kind");
}

/** `data` as a reply, or a TypeError saying what is wrong with it. */
export function checkWorkerReply(data: unknown): WorkerReply {
  const m = data as Partial<Record<string, unknown>> | null;
  const kinds = ["ready", "closed", "batch", "error"];
  if (typeof m !== "object" || m === null || !kinds.includes(String(m.kind))) {
    throw new TypeError(`minibatch worker: malformed reply ${String(m?.kind)}`);
  }
  if (m.kind === "batch") {
    const b = m.batch as Partial<HostMinibatch> | undefined;
    if (
      !Number.isInteger(m.id) || !b || !(b.rows instanceof Float32Array) ||
      !(b.inputNodes instanceof Int32Array) || !Array.isArray(b.blocks)
    ) {
      throw new TypeError("minibatch worker: malformed batch reply");
    }
  }
  return m as WorkerReply;
}
