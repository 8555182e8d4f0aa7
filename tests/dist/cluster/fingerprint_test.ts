import assert from "node:assert/strict";
import { ConfigMismatchError } from "../../../dist/cluster/config_mismatch_error.ts";
import { type Fingerprint, firstDifference } from "../../../dist/cluster/fingerprint.ts";
import { serveCoordinator } from "../../../dist/cluster/serve_coordinator.ts";
import { WorldMember } from "../../../dist/cluster/world_member.ts";

const secret = new TextEncoder().encode("fingerprint test secret");

Deno.test("firstDifference() names the first shared field that differs, in the first list's order", () => {
  const a: Fingerprint = [["protocol", "2"], ["--hidden", "256"], ["--lr", "0.003"]];
  assert.equal(firstDifference(a, a), undefined);
  assert.deepEqual(firstDifference(a, [["--lr", "0.01"], ["--hidden", "64"]]), {
    field: "--hidden",
    mine: "256",
    theirs: "64",
  });
  // Fields only one side holds are not compared (a server has no learning rate).
  assert.equal(firstDifference(a, [["protocol", "2"], ["--batch_size", "512"]]), undefined);
  assert.equal(firstDifference(a, [["--lr", "0.01"]], ["--lr"]), undefined);
});

/** Joins `fingerprints.length` ranks at once; each one's outcome. */
async function joinWith(fingerprints: Fingerprint[]) {
  const size = fingerprints.length;
  const host = serveCoordinator({ hostname: "127.0.0.1", port: 0, worldSize: size, secret });
  try {
    return await Promise.allSettled(fingerprints.map((fingerprint, rank) =>
      WorldMember.join({
        coordinatorUrl: host.server.url,
        rank,
        role: rank === 0 ? "server" : "trainer",
        address: `ws://127.0.0.${rank + 2}:${5000 + rank}`,
        secret,
        fingerprint,
        connectDeadlineMs: 5000,
        joinTimeoutMs: 5000,
      }).then((m) => {
        m.close();
        return m;
      })
    ));
  } finally {
    await host.close();
  }
}

Deno.test("the coordinator refuses every rank when two fingerprints differ, naming both ranks and the field", async () => {
  const same: Fingerprint = [["protocol", "2"], ["--fanout", "5,5"], ["--lr", "0.003"]];
  const results = await joinWith([same, same, [["protocol", "2"], ["--fanout", "5,5"], [
    "--lr",
    "0.01",
  ]]]);
  for (const r of results) {
    assert.equal(r.status, "rejected");
    const e = (r as PromiseRejectedResult).reason;
    assert.ok(e instanceof ConfigMismatchError, String(e));
    assert.equal(e.field, "--lr");
    assert.match(e.message, /rank \d \((server|trainer) at ws:\/\/127\.0\.0\.\d:\d+\) has --lr=/);
    assert.match(e.message, /--lr=0\.01/);
    assert.match(e.message, /--lr=0\.003/);
    assert.ok(e.ranks.includes(2), `the odd rank is named: ${e.ranks}`);
  }
});

Deno.test("ranks whose shared fields agree form the world; fields only one role holds are not compared", async () => {
  const results = await joinWith([
    [["protocol", "2"], ["--fanout", "5,5"]],
    [["protocol", "2"], ["--fanout", "5,5"], ["--lr", "0.01"]],
    [["protocol", "2"], ["--fanout", "5,5"], ["--lr", "0.01"]],
  ]);
  for (const r of results) {
    assert.equal(r.status, "fulfilled", String((r as { reason?: unknown }).reason));
  }
});
