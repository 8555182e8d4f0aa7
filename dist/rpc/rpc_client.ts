import { AuthError } from "./auth_error.ts";
import type { CallOptions } from "./call_options.ts";
import { ConnectionClosedError } from "./connection_closed_error.ts";
import { MessageCodec } from "./message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "./messages.ts";
import { PendingCalls } from "./pending_calls.ts";
import { printable } from "./printable.ts";
import { ProtocolError } from "./protocol_error.ts";
import { RemoteError } from "./remote_error.ts";
import type { Transport } from "./transport.ts";
import { watchSilence } from "./watch_silence.ts";
import { check, importSecret, nonce, prove } from "./_hmac.ts";

/**
 * Options of {@link RpcClient.open}.
 *
 * @example
 * ```ts
 * import type { RpcClientOptions } from "./rpc_client.ts";
 * const options: RpcClientOptions = {
 *   secret: new TextEncoder().encode("a shared secret"), name: "rank 1", defaultTimeoutMs: 30_000,
 * };
 * ```
 */
export interface RpcClientOptions {
  /** The shared secret; see `resolveSecret`. */
  readonly secret: Uint8Array;
  /** How this end introduces itself to the server, e.g. `rank 3`. */
  readonly name?: string;
  /** Largest frame sent or accepted; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Time allowed for the authentication handshake; default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Timeout of a call that gives none; default 30 s. */
  readonly defaultTimeoutMs?: number;
  /**
   * Checks the server even while no call is pending: once authenticated,
   * `method` (the service's heartbeat, declared in its `methods.ts`) is
   * called every fifth of `peerTimeoutMs`, and a server that sends nothing
   * for `peerTimeoutMs` (stopped, hung, cut off) closes the connection:
   * every pending call fails with a `ConnectionClosedError` naming it.
   * Default: no heartbeat.
   */
  readonly heartbeat?: { readonly method: string; readonly peerTimeoutMs: number };
}

type State = "challenge" | "welcome" | "ready" | "closed";

/**
 * The calling end of one authenticated RPC connection, over any
 * {@link Transport}. Many calls may be in flight at once; each has a timeout
 * and an abort signal. When the connection closes, every pending call is
 * rejected at once with a `ConnectionClosedError` naming the peer and method.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { memoryTransportPair } from "./memory_transport_pair.ts";
 * import { MethodTable } from "./method_table.ts";
 * import { RpcClient } from "./rpc_client.ts";
 * import { RpcSession } from "./rpc_session.ts";
 * const secret = new TextEncoder().encode("a shared secret");
 * const [near, far] = memoryTransportPair("client", "server");
 * const methods = new MethodTable().register("twice", z.number(), (x) => 2 * x);
 * const session = new RpcSession(far, { secret, methods, name: "server" });
 * const client = await RpcClient.open(near, { secret, name: "client" });
 * console.assert(await client.call("twice", 21, { timeoutMs: 1000 }) === 42);
 * client.close();
 * await session.done;
 * ```
 */
export class RpcClient {
  readonly #transport: Transport;
  readonly #codec: MessageCodec;
  readonly #defaultTimeoutMs: number;
  #pending: PendingCalls;
  #state: State = "challenge";
  #peer: string;
  readonly #closed = Promise.withResolvers<string>();
  /** When the server was last heard from (any frame), in `performance.now()` ms. */
  #lastHeard = 0;
  #stopHeartbeat: () => void = () => {};

  private constructor(transport: Transport, options: RpcClientOptions) {
    this.#transport = transport;
    this.#peer = transport.peer;
    this.#codec = new MessageCodec(
      options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
    );
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    this.#pending = new PendingCalls(this.#peer);
    const beat = options.heartbeat;
    if (beat && !(beat.peerTimeoutMs > 0 && Number.isFinite(beat.peerTimeoutMs))) {
      throw new RangeError(`heartbeat.peerTimeoutMs must be > 0, got ${beat.peerTimeoutMs}`);
    }
  }

  /**
   * Authenticates over `transport` and resolves once the server accepted us
   * and proved it knows the secret. Throws `AuthError` otherwise (and closes
   * the transport).
   */
  static async open(
    transport: Transport,
    options: RpcClientOptions,
  ): Promise<RpcClient> {
    const client = new RpcClient(transport, options);
    await client.#handshake(options);
    if (options.heartbeat) client.#startHeartbeat(options.heartbeat);
    return client;
  }

  /** The server, named as it introduced itself, with its address. */
  get peer(): string {
    return this.#peer;
  }

  /** Resolves with the reason once the connection has closed. */
  get closed(): Promise<string> {
    return this.#closed.promise;
  }

  /** Number of calls waiting for an answer. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Calls `method` with `payload` and resolves with the result. Rejects with
   * `RpcTimeoutError`, `RemoteError`, `ConnectionClosedError`,
   * `ProtocolError`, the abort reason, or `RangeError` if the message is too
   * large. The payload is encoded before this returns, so the caller may
   * reuse its buffers at once.
   */
  call(
    method: string,
    payload: unknown,
    options: CallOptions = {},
  ): Promise<unknown> {
    if (typeof method !== "string" || method.length === 0 || method.length > 256) {
      // The server's schema allows 1..256 characters; a longer name would end the connection.
      throw new TypeError("method must be a string of 1 to 256 characters");
    }
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    if (this.#state !== "ready") {
      return Promise.reject(
        new ConnectionClosedError(method, this.#peer, "not connected"),
      );
    }
    const { id, promise } = this.#pending.add(
      method,
      timeoutMs,
      options.signal,
      (gaveUp) => this.#sendQuietly({ v: PROTOCOL_VERSION, kind: "cancel", id: gaveUp }),
    );
    try {
      this.#transport.send(
        this.#codec.encode({ v: PROTOCOL_VERSION, kind: "request", id, method, payload }),
      );
    } catch (error) {
      this.#pending.reject(
        id,
        error instanceof RangeError
          ? error
          : new ConnectionClosedError(method, this.#peer, "send failed", {
            cause: error,
          }),
      );
    }
    return promise;
  }

  /** Closes the connection; pending calls fail with `ConnectionClosedError`. */
  close(reason = "closed by caller"): void {
    this.#shutdown(reason, null);
    this.#transport.close(1000, reason.slice(0, 120));
  }

  async #handshake(options: RpcClientOptions): Promise<void> {
    const key = await importSecret(options.secret);
    const done = Promise.withResolvers<void>();
    const ours = nonce();
    let theirs: Uint8Array | null = null;
    const fail = (error: Error) => {
      this.#shutdown(error.message, error);
      this.#transport.close(4008, "handshake failed");
      done.reject(error);
    };
    const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
    const timer = setTimeout(
      () => fail(new AuthError(`${this.#peer}: no handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.#transport.attach({
      frame: (data) => {
        this.#lastHeard = performance.now();
        let message: Message;
        try {
          message = this.#codec.decode(data);
        } catch (error) {
          return this.#state === "ready"
            ? this.#protocolFailure(error as ProtocolError)
            : fail(error as Error);
        }
        if (this.#state === "ready") return this.#onMessage(message);
        if (this.#state === "challenge" && message.kind === "challenge") {
          this.#state = "welcome";
          theirs = message.nonce;
          prove(key, "client", message.nonce, ours).then((mac) =>
            this.#sendQuietly({
              v: PROTOCOL_VERSION,
              kind: "auth",
              peer: options.name ?? "anonymous",
              nonce: ours,
              mac,
            })
          );
        } else if (this.#state === "welcome" && message.kind === "welcome") {
          check(key, "server", ours, theirs ?? ours, message.mac).then((ok) => {
            if (this.#state !== "welcome") return;
            if (!ok) {
              return fail(
                new AuthError(
                  `${this.#peer} failed to prove it knows the shared secret`,
                ),
              );
            }
            this.#peer = `${printable(message.peer)} (${this.#transport.peer})`;
            this.#pending = new PendingCalls(this.#peer);
            this.#state = "ready";
            done.resolve();
          });
        } else if (message.kind === "denied") {
          fail(new AuthError(`${this.#peer} refused us: ${message.reason}`));
        } else {
          fail(
            new ProtocolError(
              `${this.#peer} sent "${message.kind}" during the handshake`,
            ),
          );
        }
      },
      closed: (reason) => {
        if (this.#state !== "ready") {
          fail(
            new AuthError(
              `${this.#peer} closed the connection during the handshake (${reason})`,
            ),
          );
        }
        this.#shutdown(reason, null);
      },
    });
    try {
      await done.promise;
    } finally {
      clearTimeout(timer);
    }
  }

  #startHeartbeat({ method, peerTimeoutMs }: NonNullable<RpcClientOptions["heartbeat"]>): void {
    if (this.#state !== "ready") return;
    this.#lastHeard = performance.now();
    let beating = false;
    this.#stopHeartbeat = watchSilence({
      limitMs: peerTimeoutMs,
      lastHeard: () => this.#lastHeard,
      onSilent: (quiet) => {
        const reason = `nothing heard for ${quiet} ms, more than the peer timeout ` +
          `of ${peerTimeoutMs} ms: it is stopped, hung or cut off`;
        this.#shutdown(reason, null);
        this.#transport.close(4003, "peer silent");
      },
      onTick: () => {
        if (beating) return;
        beating = true;
        this.call(method, null, { timeoutMs: peerTimeoutMs })
          .catch(() => {}) // silence is judged by the watch
          .finally(() => beating = false);
      },
    });
  }

  #onMessage(message: Message): void {
    switch (message.kind) {
      case "response":
        this.#pending.resolve(message.id, message.payload);
        return;
      case "error": {
        if (message.id === null) {
          return this.#protocolFailure(
            new ProtocolError(`${this.#peer} reported: ${message.message}`),
          );
        }
        const method = this.#pending.method(message.id);
        if (method === undefined) return; // answer to a call we gave up on
        this.#pending.reject(
          message.id,
          new RemoteError(
            method,
            this.#peer,
            message.name,
            message.message,
            message.data,
          ),
        );
        return;
      }
      default:
        this.#protocolFailure(
          new ProtocolError(`${this.#peer} sent unexpected "${message.kind}"`),
        );
    }
  }

  #protocolFailure(error: ProtocolError): void {
    this.#shutdown(error.message, error);
    this.#transport.close(4002, "protocol error");
  }

  #shutdown(reason: string, cause: Error | null): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#stopHeartbeat();
    this.#pending.rejectAll((method) =>
      cause instanceof ProtocolError
        ? new ProtocolError(
          `call "${method}" to ${this.#peer} failed: ${cause.message}`,
          { cause },
        )
        : new ConnectionClosedError(
          method,
          this.#peer,
          reason,
          cause ? { cause } : undefined,
        )
    );
    this.#closed.resolve(reason);
  }

  #sendQuietly(message: Message): void {
    try {
      this.#transport.send(this.#codec.encode(message));
    } catch {
      // The connection is going away; its close handler reports it.
    }
  }
}
