import { MessageCodec } from "./message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "./messages.ts";
import type { MethodTable } from "./method_table.ts";
import { printable } from "./printable.ts";
import type { Transport } from "./transport.ts";
import { timerDelay } from "./timer_delay.ts";
import { watchSilence } from "./watch_silence.ts";
import { check, importSecret, nonce, prove } from "./_hmac.ts";

/**
 * Options of {@link RpcSession}.
 *
 * @example
 * ```ts
 * import { MethodTable } from "./method_table.ts";
 * import type { RpcSessionOptions } from "./rpc_session.ts";
 * const options: RpcSessionOptions = {
 *   secret: new TextEncoder().encode("a shared secret"), methods: new MethodTable(),
 *   name: "rank 0", handshakeTimeoutMs: 5_000, log: () => {},
 * };
 * ```
 */
export interface RpcSessionOptions {
  /** The shared secret every client must prove it knows. */
  readonly secret: Uint8Array;
  /** The methods this server answers. */
  readonly methods: MethodTable;
  /** How this server introduces itself, e.g. `rank 0`. */
  readonly name?: string;
  /** Largest frame accepted or sent; default 64 MiB. */
  readonly maxMessageBytes?: number;
  /** Time a client has to authenticate; default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Where refusals and protocol errors are reported; default console.warn. */
  readonly log?: (line: string) => void;
  /**
   * Drops an authenticated client that sends nothing for this long (its
   * heartbeats stopped: it is stopped, hung or cut off), aborting its
   * running handlers with a reason that says so. Default: never.
   */
  readonly peerTimeoutMs?: number;
  /**
   * Reports a refused client instead of `log` (`serveRpc` sums them up with
   * a `RefusalLog`). `why` holds no peer-chosen text but the claimed name.
   */
  readonly refused?: (peer: string, why: string) => void;
  /** Called once the client has authenticated, before the welcome is sent. */
  readonly onAuthenticated?: () => void;
}

type State = "auth" | "verifying" | "ready" | "closed";

/**
 * The serving end of one connection: sends a challenge, accepts the client
 * only if it proves the shared secret (and then proves it in turn), and from
 * then on runs requested methods from the {@link MethodTable}, concurrently.
 * Anything before authentication, or any frame that breaks the protocol,
 * is logged, answered with an error or refusal, and closes this connection
 * only.
 *
 * @example
 * ```ts
 * import { memoryTransportPair } from "./memory_transport_pair.ts";
 * import { MethodTable } from "./method_table.ts";
 * import { RpcSession } from "./rpc_session.ts";
 * const [, far] = memoryTransportPair();
 * const secret = new TextEncoder().encode("a shared secret");
 * const session = new RpcSession(far, { secret, methods: new MethodTable() });
 * session.close();
 * await session.done;
 * ```
 */
export class RpcSession {
  readonly #transport: Transport;
  readonly #codec: MessageCodec;
  readonly #methods: MethodTable;
  readonly #log: (line: string) => void;
  readonly #refused: (peer: string, why: string) => void;
  readonly #onAuthenticated: () => void;
  readonly #running = new Map<number, AbortController>();
  readonly #done = Promise.withResolvers<void>();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #peerTimeoutMs: number | undefined;
  #stopWatch: () => void = () => {};
  /** When the client was last heard from, in `performance.now()` ms. */
  #lastHeard = 0;
  #state: State = "auth";
  /** #finish ran: handlers were told, `done` resolved. */
  #finished = false;
  #peer: string;
  /** This end closed the connection (so it is no refusal). */
  #closing = false;

  /**
   * Attaches to `transport` and sends the challenge at once; a client that does not authenticate
   * within `handshakeTimeoutMs` is refused.
   */
  constructor(transport: Transport, options: RpcSessionOptions) {
    this.#transport = transport;
    this.#peer = transport.peer;
    this.#methods = options.methods;
    this.#peerTimeoutMs = options.peerTimeoutMs;
    if (this.#peerTimeoutMs !== undefined && !(this.#peerTimeoutMs > 0)) {
      throw new RangeError(`peerTimeoutMs must be > 0, got ${this.#peerTimeoutMs}`);
    }
    this.#log = options.log ?? ((line) => console.warn(line));
    this.#refused = options.refused ??
      ((peer, why) => this.#log(`rpc: refused connection from ${peer}: ${printable(why, 200)}`));
    this.#onAuthenticated = options.onAuthenticated ?? (() => {});
    this.#codec = new MessageCodec(
      options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
    );
    const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
    this.#timer = setTimeout(() => {
      this.#refuse(`no authentication within ${timeoutMs} ms`);
    }, timerDelay(timeoutMs));
    const challenge = nonce();
    const key = importSecret(options.secret);
    key.catch(() => {}); // reported where it is awaited
    transport.attach({
      frame: (data) => this.#onFrame(data, challenge, key, options.name),
      closed: (reason) => this.#finish(reason),
    });
    this.#send({ v: PROTOCOL_VERSION, kind: "challenge", nonce: challenge });
  }

  /** The client: its address, plus its claimed name once authenticated. */
  get peer(): string {
    return this.#peer;
  }

  /** True once the client has authenticated. */
  get authenticated(): boolean {
    return this.#state === "ready";
  }

  /** Resolves when the connection has closed. */
  get done(): Promise<void> {
    return this.#done.promise;
  }

  /** Closes the connection; running handlers see their signal abort. */
  close(code = 4001, reason = "server closing"): void {
    this.#closing = true;
    this.#transport.close(code, reason);
  }

  #onFrame(
    data: Uint8Array | string,
    challenge: Uint8Array,
    key: Promise<CryptoKey>,
    name: string | undefined,
  ): void {
    if (this.#state === "closed") return;
    this.#lastHeard = performance.now();
    let message: Message;
    try {
      message = this.#codec.decode(data);
    } catch (error) {
      if (this.#state !== "ready") {
        return this.#refuse(`bad frame before authentication`);
      }
      const text = (error as Error).message;
      this.#log(`rpc: protocol error from ${this.#peer}: ${text}`);
      this.#send({
        v: PROTOCOL_VERSION,
        kind: "error",
        id: null,
        name: "ProtocolError",
        message: text,
      });
      return this.close(4002, "protocol error");
    }
    if (this.#state === "ready") return this.#onMessage(message);
    if (this.#state === "auth" && message.kind === "auth") {
      this.#state = "verifying";
      this.#verify(message, challenge, key, name);
      return;
    }
    this.#refuse(`"${message.kind}" sent before authentication`);
  }

  async #verify(
    message: Extract<Message, { kind: "auth" }>,
    challenge: Uint8Array,
    keyPromise: Promise<CryptoKey>,
    name: string | undefined,
  ): Promise<void> {
    const claimed = `"${printable(message.peer)}"`;
    try {
      const key = await keyPromise;
      if (!await check(key, "client", challenge, message.nonce, message.mac)) {
        return this.#refuse(`wrong shared secret (claims ${claimed})`);
      }
      const mac = await prove(key, "server", message.nonce, challenge);
      if (this.#state !== "verifying") return;
      clearTimeout(this.#timer);
      this.#peer = `${printable(message.peer)} (${this.#transport.peer})`;
      this.#state = "ready";
      this.#onAuthenticated();
      this.#send({ v: PROTOCOL_VERSION, kind: "welcome", peer: name ?? "server", mac });
      this.#watchSilence();
    } catch (error) {
      this.#refuse(`authentication error: ${(error as Error).message}`);
    }
  }

  #onMessage(message: Message): void {
    if (message.kind === "request") {
      this.#run(message.id, message.method, message.payload);
    } else if (message.kind === "cancel") {
      this.#running.get(message.id)?.abort(
        new DOMException("cancelled by caller", "AbortError"),
      );
    } else {
      const text = `unexpected "${message.kind}" message`;
      this.#log(`rpc: protocol error from ${this.#peer}: ${text}`);
      this.#send({
        v: PROTOCOL_VERSION,
        kind: "error",
        id: null,
        name: "ProtocolError",
        message: text,
      });
      this.close(4002, "protocol error");
    }
  }

  async #run(id: number, method: string, payload: unknown): Promise<void> {
    const entry = this.#methods.get(method);
    if (!entry) {
      const known = this.#methods.names().join(", ");
      return this.#fail(id, "UnknownMethodError", `unknown method "${method}" (known: ${known})`);
    }
    const parsed = entry.params.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
      return this.#fail(id, "TypeError", `bad payload for "${method}"${where}: ${issue?.message}`);
    }
    const controller = new AbortController();
    this.#running.set(id, controller);
    try {
      const ctx = { peer: this.#peer, method, signal: controller.signal };
      const result = await entry.handler(parsed.data, ctx);
      if (this.#state !== "ready") return;
      try {
        this.#transport.send(
          this.#codec.encode({ v: PROTOCOL_VERSION, kind: "response", id, payload: result }),
        );
      } catch (error) {
        this.#fail(id, (error as Error).name, (error as Error).message);
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const data = (e as { data?: unknown }).data;
      this.#fail(id, e.name, e.message, data);
    } finally {
      this.#running.delete(id);
    }
  }

  #fail(id: number, name: string, message: string, data?: unknown): void {
    if (this.#state !== "ready") return;
    const base = { v: PROTOCOL_VERSION, kind: "error", id, name, message } as const;
    try {
      this.#transport.send(this.#codec.encode(data === undefined ? base : { ...base, data }));
    } catch {
      this.#send(base); // `data` could not be encoded: send the error without it
    }
  }

  #refuse(why: string): void {
    if (this.#state === "closed") return;
    this.#refused(this.#peer, why);
    this.#send({ v: PROTOCOL_VERSION, kind: "denied", reason: "authentication failed" });
    this.#state = "closed";
    this.close(4008, "authentication failed");
  }

  #send(message: Message): void {
    try {
      this.#transport.send(this.#codec.encode(message));
    } catch {
      // Closing; the transport reports the close.
    }
  }

  #watchSilence(): void {
    const limit = this.#peerTimeoutMs;
    if (limit === undefined) return;
    this.#lastHeard = performance.now();
    this.#stopWatch = watchSilence({
      limitMs: limit,
      lastHeard: () => this.#lastHeard,
      onSilent: (quiet) => {
        if (this.#state === "closed") return;
        const why = `sent nothing for ${quiet} ms, more than the ` +
          `peer timeout of ${limit} ms: it is stopped, hung or cut off`;
        this.#log(`rpc: dropped ${this.#peer}: ${why}`);
        // Handlers learn it now; the socket's own close may never complete.
        this.#finish(why);
        this.close(4003, "peer silent");
      },
    });
  }

  #finish(reason: string): void {
    if (this.#finished) return;
    this.#finished = true;
    if ((this.#state === "auth" || this.#state === "verifying") && !this.#closing) {
      this.#refused(this.#peer, `closed before authentication (${reason})`);
    } else if (this.#state === "ready" && /^code 100[29]\b/.test(reason)) {
      // The connection broke the WebSocket protocol, or sent a frame over the limit.
      this.#log(`rpc: protocol error from ${this.#peer}: ${printable(reason, 200)}`);
    }
    this.#state = "closed";
    clearTimeout(this.#timer);
    this.#stopWatch();
    for (const controller of this.#running.values()) {
      controller.abort(new DOMException(`connection closed: ${reason}`, "AbortError"));
    }
    this.#running.clear();
    this.#done.resolve();
  }
}
