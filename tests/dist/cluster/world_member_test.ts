import { connectRpc } from "../../../dist/rpc/connect_rpc.ts";
import assert from "node:assert/strict";
import { COORD_JOIN, COORD_WATCH } from "../../../dist/cluster/methods.ts";
import { serviceUrl } from "../../../dist/cluster/world.ts";
import { BarrierTimeoutError } from "../../../dist/cluster/barrier_timeout_error.ts";
import { ConnectError } from "../../../dist/rpc/connect_error.ts";
import { RemoteError } from "../../../dist/rpc/remote_error.ts";
import { type CoordinatorHost, serveCoordinator } from "../../../dist/cluster/serve_coordinator.ts";
import { WorldMember } from "../../../dist/cluster/world_member.ts";

const secret = new TextEncoder().encode("coordinator test secret");

async function freePort(): Promise<number> {
  const probe = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 1, secret });
  const port = probe.server.port;
  await probe.close();
  return port;
}

function joinAll(
  url: string,
  size: number,
  roles = (r: number) => (r === 0 ? "server" : "trainer"),
) {
  return Promise.all(
    Array.from({ length: size }, (_, rank) =>
      WorldMember.join({
        coordinatorUrl: url,
        rank,
        role: roles(rank),
        address: `ws://127.0.0.${rank + 2}:${5000 + rank}`,
        secret,
        connectDeadlineMs: 5000,
      })),
  );
}

Deno.test("ranks that start before the coordinator retry, and all learn the same world", async () => {
  const port = await freePort();
  let host: CoordinatorHost | null = null;
  const timer = setTimeout(() => {
    host = serveCoordinator({ hostname: "127.0.0.1", port, worldSize: 4, secret });
  }, 250);
  const members = await joinAll(`ws://127.0.0.1:${port}`, 4);
  clearTimeout(timer);
  for (const member of members) {
    assert.deepStrictEqual(member.world, members[0]!.world);
  }
  assert.deepStrictEqual(members[3]!.world.ranks.map((r) => [r.rank, r.role, r.address]), [
    [0, "server", "ws://127.0.0.2:5000"],
    [1, "trainer", "ws://127.0.0.3:5001"],
    [2, "trainer", "ws://127.0.0.4:5002"],
    [3, "trainer", "ws://127.0.0.5:5003"],
  ]);
  await Promise.all(members.map((m) => m.barrier("start", 2000)));
  await Promise.all(members.map((m) => m.barrier("start", 2000))); // a name can be reused
  members.forEach((m) => m.close());
  await (host as CoordinatorHost | null)?.close();
});

Deno.test("barrier() times out with the list of ranks that never arrived", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 4, secret });
  const members = await joinAll(host.server.url, 4);
  const errors = await Promise.all(
    [members[0]!, members[2]!].map((m) => m.barrier("epoch-3", 100).catch((e) => e)),
  );
  for (const error of errors) {
    assert.ok(error instanceof BarrierTimeoutError, String(error));
    assert.deepStrictEqual(error.missing, [1, 3]);
    assert.match(
      error.message,
      /barrier "epoch-3" timed out after 100 ms; ranks that never arrived: 1, 3/,
    );
  }
  members.forEach((m) => m.close());
  await host.close();
});

Deno.test("a shutdown requested by one rank is observed by every rank", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 3, secret });
  const members = await joinAll(host.server.url, 3);
  await members[2]!.shutdown("training finished");
  for (const member of members) {
    await new Promise((resolve) => {
      if (member.shutdownSignal.aborted) resolve(null);
      member.shutdownSignal.addEventListener("abort", resolve);
    });
    assert.equal(member.shutdownSignal.reason, "rank 2: training finished");
  }
  assert.equal(await host.coordinator.shutdownRequested, "rank 2: training finished");
  members.forEach((m) => m.close());
  await host.close();
});

Deno.test("join() gives up at the deadline naming the coordinator address", async () => {
  const url = `ws://127.0.0.1:${await freePort()}`;
  const error = await WorldMember.join({
    coordinatorUrl: url,
    rank: 0,
    role: "trainer",
    address: "ws://127.0.0.2:1",
    secret,
    connectDeadlineMs: 200,
  }).catch((e) => e);
  assert.ok(error instanceof ConnectError);
  assert.ok(error.message.includes(url));
});

Deno.test("join() refuses a rank outside the world and a second rank with the same number", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 2, secret });
  const base = { coordinatorUrl: host.server.url, role: "trainer", secret, joinTimeoutMs: 2000 };
  const outside = await WorldMember.join({ ...base, rank: 5, address: "ws://x:1" }).catch((e) => e);
  assert.ok(outside instanceof RemoteError);
  assert.equal(outside.remoteName, "RangeError");
  // Both ask for rank 0; whichever reaches the coordinator second is refused.
  const a = WorldMember.join({ ...base, rank: 0, address: "ws://a:1" });
  const b = WorldMember.join({ ...base, rank: 0, address: "ws://b:1" });
  const refused = await Promise.race([a, b].map((p) => p.then(() => undefined, (e) => e)));
  assert.ok(refused instanceof RemoteError);
  assert.match(
    refused.message,
    /rank 0 already joined from ws:\/\/(a|b):1; refusing ws:\/\/(a|b):1/,
  );
  const second = await WorldMember.join({ ...base, rank: 1, address: "ws://c:1" });
  const [first] = (await Promise.allSettled([a, b])).flatMap((r) =>
    r.status === "fulfilled" ? [r.value] : []
  );
  assert.ok(first, "the other rank 0 joined");
  first.close();
  second.close();
  await host.close();
});

Deno.test("a rank that disconnects without leaving ends the world; one that leaves does not", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 3, secret });
  const joining = joinAll(host.server.url, 2);
  const raw = await connectRpc(host.server.url, { secret, name: "rank 2" });
  const info = { rank: 2, role: "trainer", address: "ws://127.0.0.4:5002", services: {} };
  await raw.call(COORD_JOIN, info, { timeoutMs: 5000 });
  const watch = raw.call(COORD_WATCH, { rank: 2 }, { timeoutMs: 60_000 }).catch(() => {});
  const [m0, m1] = (await joining) as [WorldMember, WorldMember];
  m1.close(); // leaves properly
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(m0.shutdownSignal.aborted, false, "a rank that left does not end the world");
  raw.close("vanished"); // no leave: as if killed
  await watch;
  await new Promise((resolve) => {
    if (m0.shutdownSignal.aborted) resolve(null);
    m0.shutdownSignal.addEventListener("abort", resolve);
  });
  assert.match(
    m0.shutdownSignal.reason,
    /^rank 2 \(trainer at ws:\/\/127\.0\.0\.4:5002\) disconnected \(connection closed: code 1000: vanished\)$/,
  );
  m0.close();
  await raw.closed;
  await host.close();
});

Deno.test("serviceUrl() finds a rank's service by name, and names the rank when it has none", () => {
  const rank = {
    rank: 3,
    role: "server",
    address: "ws://127.0.0.5:1",
    services: { partition: "ws://127.0.0.5:2" },
  };
  assert.equal(serviceUrl(rank, "partition"), "ws://127.0.0.5:2");
  assert.throws(
    () => serviceUrl(rank, "dashboard"),
    /rank 3 \(server at ws:\/\/127\.0\.0\.5:1\) serves no "dashboard" service \(it serves partition\)/,
  );
});

Deno.test("join() names the ranks that never joined, with those that did, at the coordinator's join timeout", async () => {
  const host = serveCoordinator({
    hostname: "127.0.0.1",
    port: 0,
    worldSize: 3,
    secret,
    joinTimeoutMs: 400,
  });
  const join = (rank: number) =>
    WorldMember.join({
      coordinatorUrl: host.server.url,
      rank,
      role: "trainer",
      address: `ws://127.0.0.${rank + 2}:${5000 + rank}`,
      secret,
      joinTimeoutMs: 400,
    }).catch((e) => e);
  const t0 = performance.now();
  const errors = await Promise.all([join(0), join(2)]);
  assert.ok(
    performance.now() - t0 < 3000,
    "answered by the coordinator, not at the call's timeout",
  );
  for (const e of errors) {
    assert.ok(e instanceof RemoteError, String(e));
    assert.match(
      e.message,
      /rank 1 of 3 never joined within 400 ms \(joined: rank 0 \(trainer at ws:\/\/127\.0\.0\.2:5000\), rank 2 \(trainer at ws:\/\/127\.0\.0\.4:5002\)\)/,
    );
  }
  await host.close();
});

Deno.test("a rank lost while the world forms fails every other rank's join at once, naming it", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: 3, secret });
  const waiting = WorldMember.join({
    coordinatorUrl: host.server.url,
    rank: 0,
    role: "trainer",
    address: "ws://127.0.0.2:5000",
    secret,
  }).catch((e) => e);
  const lost = await connectRpc(host.server.url, { secret, name: "rank 1" });
  const joining = lost.call(COORD_JOIN, {
    rank: 1,
    role: "server",
    address: "ws://127.0.0.3:5001",
    services: {},
  });
  joining.catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
  lost.close("vanished");
  const error = await waiting;
  assert.match(
    String(error?.message),
    /rank 1 \(server at ws:\/\/127\.0\.0\.3:5001\) disconnected before every rank joined/,
  );
  await host.close();
});
