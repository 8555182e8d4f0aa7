import assert from "node:assert/strict";
import { TcpWebSocket } from "../../../dist/rpc/tcp_websocket.ts";

/** A Deno.serve WebSocket server answering each message with what `reply` makes of it. */
function serve(reply: (data: ArrayBuffer | string) => ArrayBuffer | string) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => socket.send(reply(e.data));
    return response;
  });
  return { url: `ws://127.0.0.1:${server.addr.port}`, server };
}

function open(url: string, options: { maxMessageBytes?: number } = {}): Promise<TcpWebSocket> {
  const ws = new TcpWebSocket(url, options);
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onclose = (e) => reject(new Error(`closed ${e.code}: ${e.reason}`));
  });
}

function next(ws: TcpWebSocket): Promise<ArrayBuffer | string> {
  return new Promise((resolve) => (ws.onmessage = (e) => resolve(e.data)));
}

function closed(ws: TcpWebSocket): Promise<CloseEvent> {
  return new Promise((resolve) => (ws.onclose = resolve));
}

Deno.test("TcpWebSocket: binary and text messages of every length class come back intact", async () => {
  const { url, server } = serve((data) => data);
  const ws = await open(url);
  try {
    for (const n of [0, 1, 125, 126, 1025, 65535, 65536, 3_000_001]) {
      const sent = Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff);
      ws.send(sent.subarray(0)); // a view with an offset of 0 ...
      assert.deepEqual(new Uint8Array(await next(ws) as ArrayBuffer), sent, `${n} bytes`);
      const view = new Uint8Array(n + 3).fill(9).subarray(3); // ... and one starting unaligned
      view.set(sent);
      ws.send(view);
      assert.deepEqual(
        new Uint8Array(await next(ws) as ArrayBuffer),
        sent,
        `${n} bytes, unaligned`,
      );
    }
    ws.send("héllo");
    assert.equal(await next(ws), "héllo");
    assert.equal(ws.bufferedAmount, 0);
  } finally {
    const done = closed(ws);
    ws.close(1000, "done");
    const event = await done;
    assert.equal(event.code, 1000);
    assert.equal(ws.readyState, WebSocket.CLOSED);
    await server.shutdown();
  }
});

Deno.test("TcpWebSocket: the server's close reaches onclose with its code and reason", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onopen = () => socket.close(4001, "go away");
    return response;
  });
  const ws = new TcpWebSocket(`ws://127.0.0.1:${server.addr.port}`);
  const event = await closed(ws);
  assert.equal(event.code, 4001);
  assert.equal(event.reason, "go away");
  await server.shutdown();
});

/** A TCP server that completes the handshake, then writes `frames` raw and keeps the connection. */
function rawServer(frames: Uint8Array) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = (async () => {
    const conn = await listener.accept();
    const buf = new Uint8Array(4096);
    let text = "";
    while (!text.includes("\r\n\r\n")) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    const key = /sec-websocket-key: (\S+)/i.exec(text)![1]!;
    const digest = await crypto.subtle.digest(
      "SHA-1",
      new TextEncoder().encode(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
    );
    const accept = btoa(String.fromCharCode(...new Uint8Array(digest)));
    const head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n" +
      `Connection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
    const reply = new Uint8Array([...new TextEncoder().encode(head), ...frames]);
    for (let at = 0; at < reply.length;) at += await conn.write(reply.subarray(at));
    return conn;
  })();
  const { port } = listener.addr as Deno.NetAddr;
  return {
    url: `ws://127.0.0.1:${port}`,
    /** The next frame the client wrote: opcode and unmasked payload. */
    async frame(): Promise<{ opcode: number; payload: number[] }> {
      const conn = await accepted;
      const b = new Uint8Array(2 + 4 + 125);
      let n = 0;
      while (n < 2 || n < 6 + (b[1]! & 0x7f)) n += (await conn.read(b.subarray(n)))!;
      const mask = b.subarray(2, 6);
      const payload = Array.from(b.subarray(6, 6 + (b[1]! & 0x7f)), (v, i) => v ^ mask[i % 4]!);
      return { opcode: b[0]! & 0x0f, payload };
    },
    async close() {
      (await accepted).close();
      listener.close();
    },
  };
}

Deno.test("TcpWebSocket: fragments are joined and pings answered", async () => {
  // "ab" + "cd" as a fragmented text message with a ping between the fragments.
  const frames = new Uint8Array([0x01, 2, 97, 98, 0x89, 1, 7, 0x80, 2, 99, 100]);
  const raw = rawServer(frames);
  const ws = new TcpWebSocket(raw.url);
  assert.equal(await next(ws), "abcd");
  assert.deepEqual(
    await raw.frame(),
    { opcode: 0xa, payload: [7] },
    "a pong with the ping's payload",
  );
  const done = closed(ws);
  ws.close();
  await raw.close();
  await done;
});

Deno.test("TcpWebSocket: a message over maxMessageBytes closes the connection with 1009", async () => {
  const frames = new Uint8Array([0x82, 126, 0x01, 0x00]); // a 256-byte binary frame announced
  const raw = rawServer(frames);
  const ws = new TcpWebSocket(raw.url, { maxMessageBytes: 100 });
  const event = await closed(ws);
  assert.equal(event.code, 1009);
  assert.match(event.reason, /over 100 bytes/);
  await raw.close();
});

Deno.test("TcpWebSocket: a frame with a reserved opcode closes the connection with 1002", async () => {
  const raw = rawServer(new Uint8Array([0x83, 1, 0]));
  const ws = new TcpWebSocket(raw.url);
  const event = await closed(ws);
  assert.equal(event.code, 1002);
  assert.match(event.reason, /reserved opcode 3/);
  await raw.close();
});

Deno.test("TcpWebSocket: a server that vanishes ends in onclose 1006, and no server at all too", async () => {
  const raw = rawServer(new Uint8Array(0));
  const ws = await open(raw.url);
  const done = closed(ws);
  await raw.close();
  assert.equal((await done).code, 1006);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const refused = new TcpWebSocket(`ws://127.0.0.1:${port}`);
  assert.equal((await closed(refused)).code, 1006);
});

Deno.test("TcpWebSocket: closing before the connection opens ends it with 1006 and leaves nothing open", async () => {
  const { url, server } = serve((data) => data);
  const ws = new TcpWebSocket(url);
  const done = closed(ws);
  ws.close();
  const event = await done;
  assert.equal(event.code, 1006);
  assert.equal(ws.readyState, WebSocket.CLOSED);
  await server.shutdown();
});
