import type { TcpWebSocket } from "./tcp_websocket.ts";
import type { Transport, TransportSink } from "./transport.ts";

/**
 * A {@link Transport} over one WebSocket (client-side, or server-side after
 * `Deno.upgradeWebSocket`). Frames sent before the socket opens are queued.
 * Binary frames arrive as `Uint8Array`s over their own `ArrayBuffer`.
 *
 * @example
 * ```ts
 * import { WebSocketTransport } from "./websocket_transport.ts";
 * const wrap = (socket: WebSocket) => new WebSocketTransport(socket, "ws://127.0.0.2:4000");
 * ```
 */
export class WebSocketTransport implements Transport {
  readonly peer: string;
  readonly #socket: WebSocket | TcpWebSocket;
  #sink: TransportSink | null = null;
  #early: (Uint8Array | string)[] = [];
  #queued: Uint8Array[] = [];
  #closedReason: string | null = null;
  #closeDelivered = false;

  /**
   * Wraps `socket` (open or still connecting: frames sent before it opens are queued); `peer` names
   * the other end in errors.
   */
  constructor(socket: WebSocket | TcpWebSocket, peer: string) {
    this.peer = peer;
    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    socket.onopen = () => {
      for (const frame of this.#queued.splice(0)) socket.send(frame);
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      const data = typeof event.data === "string" ? event.data : new Uint8Array(event.data);
      if (this.#sink) this.#sink.frame(data);
      else this.#early.push(data);
    };
    socket.onerror = () => {
      // A close event always follows; it carries the report.
    };
    socket.onclose = (event) => {
      // Deno reports a connection lost without a close frame as code 0 or 1006.
      const lost = (event.code === 0 || event.code === 1006) && !event.reason;
      this.#closedReason ??= lost
        ? "connection lost"
        : `code ${event.code}${event.reason ? `: ${event.reason}` : ""}`;
      this.#queued = [];
      this.#finish();
    };
  }

  get bufferedAmount(): number {
    return this.#socket.bufferedAmount;
  }

  send(frame: Uint8Array): void {
    const state = this.#socket.readyState;
    if (this.#closedReason !== null || state >= WebSocket.CLOSING) {
      throw new Error(`WebSocket to ${this.peer} is closed`);
    }
    // A copy: `new Uint8Array`, since a codec's frame may be a Buffer, whose slice() is a view.
    if (state === WebSocket.CONNECTING) this.#queued.push(new Uint8Array(frame));
    else this.#socket.send(frame);
  }

  close(code = 1000, reason = ""): void {
    // Browsers and Deno accept only 1000 and 3000..4999 from applications.
    const allowed = code === 1000 || (code >= 3000 && code <= 4999);
    if (this.#socket.readyState >= WebSocket.CLOSING) return;
    this.#closedReason ??= `closed locally${reason ? `: ${reason}` : ""}`;
    this.#socket.close(allowed ? code : 4000, reason);
  }

  attach(sink: TransportSink): void {
    if (this.#sink) throw new Error("transport already attached");
    this.#sink = sink;
    for (const frame of this.#early.splice(0)) sink.frame(frame);
    if (this.#socket.readyState === WebSocket.CLOSED) this.#finish();
  }

  #finish(): void {
    if (this.#closeDelivered || !this.#sink) return;
    this.#closeDelivered = true;
    this.#sink.closed(this.#closedReason ?? "closed");
  }
}
