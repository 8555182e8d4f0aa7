/**
 * Serves one partition's sampling and feature methods from a Worker of its
 * own, so that peers are answered at once even while this process's main
 * thread is busy training (a training step holds the main thread for
 * hundreds of milliseconds; a service sharing it would stall every peer).
 *
 * @example
 * ```ts ignore
 * import { PartitionServer } from "./partition_server.ts";
 * const server = await PartitionServer.start({
 *   dir: "out/p2", rank: 0, hostname: "127.0.0.1", secret, name: "partition 0", timeoutMs: 60_000,
 * });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export class PartitionServer {
  private constructor(
    readonly url: string,
    readonly name: string,
    readonly worker: Worker,
    readonly timeoutMs: number,
  ) {}

  /** Loads partition `rank` of `dir` in a new Worker and serves it at `hostname` on a free port. */
  static async start(options: {
    readonly dir: string;
    readonly rank: number;
    readonly hostname: string;
    readonly secret: Uint8Array;
    readonly name: string;
    readonly timeoutMs: number;
  }): Promise<PartitionServer> {
    const worker = new Worker(new URL("./partition_server_worker.ts", import.meta.url).href, {
      type: "module",
    });
    const { timeoutMs, ...start } = options;
    try {
      const reply = await ask(
        worker,
        { kind: "start", ...start },
        timeoutMs,
        `${options.name} did not start`,
      );
      return new PartitionServer(reply.url as string, options.name, worker, timeoutMs);
    } catch (err) {
      worker.terminate();
      throw err;
    }
  }

  /** Closes the server's connections and ends the Worker. */
  async close(): Promise<void> {
    try {
      await ask(this.worker, { kind: "close" }, this.timeoutMs, `${this.name} did not close`);
    } finally {
      this.worker.terminate();
    }
  }
}

/** Sends one message to the Worker and waits for its answer, an error, or the timeout. */
function ask(
  worker: Worker,
  message: unknown,
  timeoutMs: number,
  timeoutText: string,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`${timeoutText} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (error?: Error, reply?: Record<string, unknown>) => {
      clearTimeout(timer);
      worker.onmessage = null;
      worker.onerror = null;
      if (error) reject(error);
      else resolve(reply!);
    };
    worker.onmessage = (e: MessageEvent<Record<string, unknown>>) =>
      e.data.kind === "error" ? done(new Error(String(e.data.message))) : done(undefined, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      done(new Error(`partition server worker failed: ${e.message}`));
    };
    worker.postMessage(message);
  });
}
