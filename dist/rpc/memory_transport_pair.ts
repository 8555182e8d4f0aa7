import type { Transport, TransportSink } from "./transport.ts";

class MemoryEnd implements Transport {
  readonly peer: string;
  other: MemoryEnd | null = null;
  #sink: TransportSink | null = null;
  #early: (Uint8Array | string)[] = [];
  #closedReason: string | null = null;
  #closeDelivered = false;

  constructor(peer: string) {
    this.peer = peer;
  }

  get bufferedAmount(): number {
    return 0;
  }

  send(frame: Uint8Array | string): void {
    if (this.#closedReason !== null) {
      throw new Error(`transport to ${this.peer} is closed`);
    }
    // Copy, as a socket would: the sender may reuse its buffer at once.
    // `new Uint8Array` copies even a Buffer (whose slice() is a view).
    const copy = typeof frame === "string" ? frame : new Uint8Array(frame);
    const other = this.other;
    queueMicrotask(() => other?.deliver(copy));
  }

  deliver(frame: Uint8Array | string): void {
    if (this.#closedReason !== null) return;
    if (this.#sink) this.#sink.frame(frame);
    else this.#early.push(frame);
  }

  close(_code?: number, reason = "closed locally"): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = reason;
    const other = this.other;
    queueMicrotask(() => {
      this.#finish();
      other?.remoteClosed(reason);
    });
  }

  remoteClosed(reason: string): void {
    if (this.#closedReason !== null) return;
    this.#closedReason = `closed by peer: ${reason}`;
    this.#finish();
  }

  #finish(): void {
    if (this.#closeDelivered || !this.#sink) return;
    this.#closeDelivered = true;
    this.#sink.closed(this.#closedReason ?? "closed");
  }

  attach(sink: TransportSink): void {
    if (this.#sink) throw new Error("transport already attached");
    this.#sink = sink;
    for (const frame of this.#early.splice(0)) sink.frame(frame);
    if (this.#closedReason !== null) this.#finish();
  }
}

/**
 * Two connected in-memory {@link Transport}s: what one sends, the other
 * receives (asynchronously, in order); closing one closes both. Used to test
 * the protocol without sockets. `send` also accepts a string, to test how a
 * peer handles a text frame.
 *
 * @example
 * ```ts
 * import { memoryTransportPair } from "./memory_transport_pair.ts";
 * const [a, b] = memoryTransportPair("client", "server");
 * b.attach({ frame: (f) => console.log(f), closed: () => {} });
 * a.attach({ frame: () => {}, closed: () => {} });
 * a.send(new Uint8Array([1, 2]));
 * a.close();
 * ```
 */
export function memoryTransportPair(
  nameA = "memory-a",
  nameB = "memory-b",
): [
  Transport & { send(frame: Uint8Array | string): void },
  Transport & { send(frame: Uint8Array | string): void },
] {
  // Each end's `peer` names the other end.
  const a = new MemoryEnd(nameB);
  const b = new MemoryEnd(nameA);
  a.other = b;
  b.other = a;
  return [a, b];
}
