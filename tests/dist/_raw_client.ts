import { MessageCodec } from "../../dist/rpc/message_codec.ts";
import { type Message, PROTOCOL_VERSION } from "../../dist/rpc/messages.ts";
import { importSecret, nonce, prove } from "../../dist/rpc/_hmac.ts";

/** A bare WebSocket speaking the protocol by hand, to send broken frames. */
export class RawClient {
  readonly socket: WebSocket;
  readonly received: Message[] = [];
  readonly closed: Promise<number>;
  readonly #codec = new MessageCodec();
  #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    const closed = Promise.withResolvers<number>();
    this.closed = closed.promise;
    socket.onmessage = (e: MessageEvent<ArrayBuffer>) => {
      this.received.push(this.#codec.decode(new Uint8Array(e.data)));
      for (const wake of this.#waiters.splice(0)) wake();
    };
    socket.onclose = (e) => {
      closed.resolve(e.code);
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  static async open(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    return new RawClient(socket);
  }

  /** Waits until `count` messages arrived or the socket closed (max 3 s). */
  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + 3000;
    while (this.received.length < count && this.socket.readyState !== WebSocket.CLOSED) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} messages`);
      const woke = Promise.withResolvers<void>();
      this.#waiters.push(woke.resolve);
      const t = setTimeout(woke.resolve, 50);
      await woke.promise;
      clearTimeout(t);
    }
  }

  send(message: Message): void {
    this.socket.send(this.#codec.encode(message));
  }

  /** Answers the challenge with the right secret and waits for welcome. */
  async authenticate(secret: Uint8Array): Promise<void> {
    await this.waitFor(1);
    const challenge = this.received[0];
    if (challenge?.kind !== "challenge") throw new Error("no challenge");
    const ours = nonce();
    const mac = await prove(await importSecret(secret), "client", challenge.nonce, ours);
    this.send({ v: PROTOCOL_VERSION, kind: "auth", peer: "raw", nonce: ours, mac });
    await this.waitFor(2);
    if (this.received[1]?.kind !== "welcome") throw new Error("not welcomed");
  }

  async close(): Promise<void> {
    if (this.socket.readyState < WebSocket.CLOSING) this.socket.close();
    await this.closed;
  }
}
