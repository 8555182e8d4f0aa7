// RPC and all-reduce over loopback: small-call latency (p50/p99 printed),
// calls/s with many in flight, 16 KiB requests beside Deno's own WebSocket client, 4 MB float32 round trips beside a raw
// WebSocket echo of the same bytes, and ring all-reduce for 210 k and 10 M
// floats with 2 and 4 ranks (all ranks in this process).
import { z } from "zod";
import { connectRpc } from "../dist/rpc/connect_rpc.ts";
import { MethodTable } from "../dist/rpc/method_table.ts";
import { openRing } from "../dist/cluster/open_ring.ts";
import { RingMailbox } from "../dist/cluster/ring_mailbox.ts";
import { serveRpc } from "../dist/rpc/serve_rpc.ts";

const secret = new TextEncoder().encode("benchmark shared secret");
const methods = new MethodTable()
  .register("ping", z.null(), () => null)
  .register("echo", z.unknown(), (x) => x);
const server = serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods });
const client = await connectRpc(server.url, { secret });

const raw = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
  const { socket, response } = Deno.upgradeWebSocket(request);
  socket.binaryType = "arraybuffer";
  socket.onmessage = (e: MessageEvent<ArrayBuffer>) => socket.send(new Uint8Array(e.data));
  return response;
});
const rawSocket = new WebSocket(`ws://127.0.0.1:${raw.addr.port}`);
rawSocket.binaryType = "arraybuffer";
await new Promise((resolve) => (rawSocket.onopen = resolve));
function rawEcho(bytes: Uint8Array): Promise<unknown> {
  return new Promise((resolve) => {
    rawSocket.onmessage = resolve;
    rawSocket.send(bytes);
  });
}

const payload = Float32Array.from({ length: 1 << 20 }, (_, i) => i); // 4 MiB
const payloadBytes = new Uint8Array(payload.buffer);

// Percentiles and throughput, printed once before the timed benches.
{
  for (let i = 0; i < 500; i++) await client.call("ping", null);
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    await client.call("ping", null);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const p = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(3);
  console.log(`small call round trip: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
  const inFlight = 256;
  const total = 20_000;
  const t = performance.now();
  for (let done = 0; done < total; done += inFlight) {
    await Promise.all(Array.from({ length: inFlight }, () => client.call("ping", null)));
  }
  const seconds = (performance.now() - t) / 1000;
  console.log(`small calls, ${inFlight} in flight: ${(total / seconds).toFixed(0)} calls/s`);
  // A 16 KiB request (a sampling hop's ids, a ring chunk): Deno's WebSocket
  // client writes it as header then payload with Nagle on, and the payload
  // waits ~40 ms for the server's delayed ACK; connectRpc's TcpWebSocket does not.
  const request = new Int32Array(4096);
  const median16 = async (once: () => Promise<unknown>) => {
    const ts: number[] = [];
    for (let i = 0; i < 21; i++) {
      const start = performance.now();
      await once();
      ts.push(performance.now() - start);
    }
    return ts.sort((a, b) => a - b)[10]!.toFixed(3);
  };
  const rpc16 = await median16(() => client.call("echo", request));
  const raw16 = await median16(() => rawEcho(new Uint8Array(request.buffer)));
  console.log(
    `16 KiB request round trip, p50: RPC ${rpc16} ms, Deno's WebSocket client ${raw16} ms`,
  );
  const rounds = 20;
  const mb = (rounds * 2 * payloadBytes.byteLength) / 1e6;
  const rate = async (once: () => Promise<unknown>) => {
    const start = performance.now();
    for (let i = 0; i < rounds; i++) await once();
    return mb / ((performance.now() - start) / 1000);
  };
  const raws: number[] = [];
  const rpcs: number[] = [];
  // Warm both paths, then interleave so neither gets the warmer machine.
  for (let trial = 0; trial < 4; trial++) {
    raws.push(await rate(() => rawEcho(payloadBytes)));
    rpcs.push(await rate(() => client.call("echo", payload)));
  }
  const median = (xs: number[]) => xs.slice(1).sort((a, b) => a - b)[1]!;
  const rawMBs = median(raws);
  const rpcMBs = median(rpcs);
  console.log(
    `4 MiB float32 echo: RPC ${rpcMBs.toFixed(0)} MB/s, raw WebSocket ${rawMBs.toFixed(0)} MB/s ` +
      `(${((100 * rpcMBs) / rawMBs).toFixed(0)}% of raw)`,
  );
}

Deno.bench("rpc small call round trip", { group: "small" }, async () => {
  await client.call("ping", null);
});

Deno.bench("rpc 256 small calls in flight", { group: "small" }, async () => {
  await Promise.all(Array.from({ length: 256 }, () => client.call("ping", null)));
});

Deno.bench("raw WebSocket echo 4 MiB", { group: "4MiB", baseline: true }, async () => {
  await rawEcho(payloadBytes);
});

Deno.bench("rpc echo 4 MiB Float32Array", { group: "4MiB" }, async () => {
  await client.call("echo", payload);
});

async function ring(size: number) {
  const members = Array.from({ length: size }, (_, i) => {
    const table = new MethodTable();
    const mailbox = new RingMailbox(`ring ${(i + size - 1) % size}`);
    mailbox.register(table);
    return {
      mailbox,
      server: serveRpc({ hostname: "127.0.0.1", port: 0, secret, methods: table }),
    };
  });
  const addresses = members.map((m) => m.server.url);
  return await Promise.all(
    members.map(({ mailbox }, index) => openRing({ addresses, index, secret, mailbox })),
  );
}

for (const size of [2, 4]) {
  const rings = await ring(size);
  for (const length of [210_000, 10_000_000]) {
    const vectors = rings.map(() => new Float32Array(length).fill(1));
    Deno.bench(`ring all-reduce ${length} floats, ${size} ranks`, {
      group: `allreduce-${length}`,
      n: length > 1e6 ? 5 : 50,
      warmup: 2,
    }, async () => {
      await Promise.all(rings.map(({ ring }, i) => ring.allReduce(vectors[i]!, "avg")));
    });
  }
}
