import assert from "node:assert/strict";
import { serveCoordinator } from "../../../dist/cluster/serve_coordinator.ts";
import { WorldMember } from "../../../dist/cluster/world_member.ts";
import type { RankReport } from "../../../dist/cluster/rank_report.ts";
import { ClusterView } from "../../../dist/dashboard/cluster_view.ts";
import { dashboardToken, sameToken } from "../../../dist/dashboard/dashboard_token.ts";
import { LiveReporter } from "../../../cli/live_reporter.ts";

const secret = new TextEncoder().encode("a test secret of the cluster");

function report(rank: number, elapsedMs: number, seeds: number, epochs: RankReport["epochs"] = []) {
  return {
    rank,
    epoch: 1,
    step: 2,
    steps: 4,
    elapsedMs,
    seeds,
    edges: seeds * 10,
    remoteBytes: seeds * 400,
    sampleMs: 0,
    featureMs: 0,
    trainMs: 0,
    reduceMs: elapsedMs / 4,
    waitMs: elapsedMs / 10,
    epochs,
  };
}

const epoch = (e: number, loss: number) => ({
  epoch: e,
  loss,
  validAccuracy: 0.5,
  testAccuracy: null,
  totalMs: 100,
  sampleMs: 10,
  featureMs: 10,
  trainMs: 50,
  reduceMs: 20,
  waitMs: 10,
});

Deno.test("ClusterView: members from the coordinator, rates between reports, epochs averaged over ranks, a leaving rank left, the shutdown's reason", async () => {
  const host = serveCoordinator({ hostname: "127.0.0.2", port: 0, worldSize: 2, secret });
  const view = new ClusterView(host.coordinator, "two ranks");
  let changes = 0;
  view.onChange(() => changes++);
  const join = (rank: number) =>
    WorldMember.join({
      coordinatorUrl: host.server.url,
      rank,
      role: "trainer",
      address: `ws://127.0.0.${rank + 2}:1`,
      secret,
      connectDeadlineMs: 5000,
    });
  const [a, b] = await Promise.all([join(0), join(1)]);
  try {
    assert.deepEqual(view.state().members.map((m) => [m.rank, m.state]), [
      [0, "joined"],
      [1, "joined"],
    ]);
    await a.report(report(0, 1000, 100));
    await a.report(report(0, 3000, 500, [epoch(1, 2)]));
    await b.report(report(1, 1000, 0, [epoch(1, 4)]));
    const s = view.state();
    const m0 = s.members[0]!;
    assert.equal(m0.state, "training");
    assert.deepEqual(m0.rates, {
      seedsPerS: 200,
      edgesPerS: 2000,
      remoteMBPerS: 0.08,
      waitShare: 0.1,
      reduceShare: 0.25,
    });
    assert.equal(s.members[1]!.rates, null, "one report gives no rate");
    assert.equal(s.runs[0]!.epochs.length, 1);
    assert.equal(s.runs[0]!.epochs[0]!.loss, 3);
    assert.ok(changes >= 5);
    const bad = await a.report({ ...report(0, 1, 1), rank: 7 }).catch((e) => e);
    assert.match(String(bad), /rank 7 is outside this world of 2 ranks/);
  } finally {
    b.close();
  }
  // Rank 1 left: not failed.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(view.state().members[1]!.state, "left");
  await host.close();
  await new Promise((r) => setTimeout(r, 100));
  a.close();
  const after = view.state();
  assert.match(after.shutdown ?? "", /coordinator closing/);
  view.close();
});

Deno.test("dashboardToken() depends on the secret only, and sameToken() compares whole tokens", async () => {
  const t = await dashboardToken(secret);
  assert.equal(t, await dashboardToken(new TextEncoder().encode("a test secret of the cluster")));
  assert.notEqual(t, await dashboardToken(new TextEncoder().encode("another secret")));
  assert.ok(!new TextDecoder().decode(secret).includes(t));
  assert.ok(sameToken(t, t));
  assert.ok(!sameToken(t.slice(0, 31), t));
  assert.ok(!sameToken(t.slice(0, 31) + (t[31] === "0" ? "1" : "0"), t));
});

Deno.test("LiveReporter sends at most one report per interval, at once at an epoch's end, and resends lost epochs", async () => {
  const sent: RankReport[] = [];
  let fail = true;
  const live = new LiveReporter(2, (r) => {
    sent.push(r);
    return fail ? Promise.reject(new Error("lost")) : Promise.resolve();
  }, 60_000);
  const sofar = {
    seeds: 16,
    edges: 100,
    remoteBytes: 64,
    sampleMs: 1,
    featureMs: 1,
    trainMs: 1,
    reduceMs: 1,
    waitMs: 1,
  };
  live.step(1, 1, 2, sofar);
  live.step(1, 2, 2, { ...sofar, seeds: 32, edges: 200 });
  assert.equal(sent.length, 1, "the second step is within the interval");
  await Promise.resolve();
  const line = {
    epoch: 1,
    batches: 2,
    seeds: 32,
    seedSum: 0,
    seedSquareSum: 0,
    loss: 1.5,
    trainAccuracy: 0,
    totalMs: 10,
    sampleMs: 2,
    featureMs: 2,
    trainMs: 2,
    reduceMs: 2,
    waitMs: 2,
    validAccuracy: 0.3,
    testAccuracy: 0.2,
  };
  live.epoch(line);
  await new Promise((r) => setTimeout(r, 0));
  fail = false;
  live.epoch({ ...line, epoch: 2 });
  assert.equal(sent.length, 3);
  assert.deepEqual(sent[1]!.epochs.map((e) => e.epoch), [1]);
  assert.deepEqual(sent[2]!.epochs.map((e) => e.epoch), [1, 2], "epoch 1's lost report is resent");
  assert.equal(sent[2]!.seeds, 64);
  assert.equal(sent[2]!.edges, 200, "edges come from the steps (epoch 2 had none)");
});
