import assert from "node:assert/strict";
import { NO_BOUND } from "../../../engine/kernels/hash_insert.ts";
import mapAssignKernel from "../../../engine/kernels/map_assign.ts";
import mapDedupKernel from "../../../engine/kernels/map_dedup.ts";
import mapFirstKernel from "../../../engine/kernels/map_first.ts";
import mapInsertKernel from "../../../engine/kernels/map_insert.ts";
import mapRelabelKernel from "../../../engine/kernels/map_relabel.ts";
import { rng, withDevices } from "../../_devices.ts";
import { runKernel } from "../_run_kernel.ts";

// One hop of node-map de-duplication on random data: a frontier of `base`
// distinct nodes already in the map, `capacity` sampled ids of which the
// first `count` are real, with repeats, frontier nodes and padding (-1).
const NODES = 3000, BASE = 400, CAPACITY = 6000, COUNT = 5100;

function hop(seed: number, padding: boolean) {
  const r = rng(seed);
  const frontier = new Int32Array(BASE);
  const pos = new Int32Array(NODES);
  for (let i = 0, v = 0; i < BASE; v++) {
    if (r() < 0.2) {
      frontier[i] = v;
      pos[v] = ~i;
      i++;
    }
  }
  const ids = Int32Array.from({ length: CAPACITY }, () => Math.floor(r() * r() * NODES));
  for (let i = 0; padding && i < 50; i++) ids[Math.floor(r() * COUNT)] = -1;
  const bound = new Int32Array(BASE + 1);
  bound[BASE] = COUNT;
  return { frontier, pos, ids, bound };
}

/** What the four kernels must compute, in plain TypeScript. */
function reference(h: ReturnType<typeof hop>) {
  const pos = h.pos.slice();
  for (let e = 0; e < COUNT; e++) {
    const id = h.ids[e]!;
    if (id >= 0 && (~pos[id]! >>> 0) > BASE + e) {
      pos[id] = ~(BASE + e);
    }
  }
  const flags = Int32Array.from(
    { length: CAPACITY },
    (_, e) => e < COUNT && h.ids[e]! >= 0 && ~pos[h.ids[e]!]! === BASE + e ? 1 : 0,
  );
  const ranks = new Int32Array(CAPACITY + 1);
  for (let e = 0; e < CAPACITY; e++) ranks[e + 1] = ranks[e]! + flags[e]!;
  const nodes = new Int32Array(BASE + CAPACITY).fill(-7);
  nodes.set(h.frontier);
  const local = new Int32Array(CAPACITY).fill(-7);
  for (let e = 0; e < COUNT; e++) {
    if (h.ids[e]! < 0) continue;
    const p = ~pos[h.ids[e]!]!;
    local[e] = p >= BASE ? BASE + ranks[p - BASE]! : p;
    if (p === BASE + e) nodes[local[e]!] = h.ids[e]!;
  }
  const assigned = pos.slice();
  for (let i = 0; i < ranks[CAPACITY]!; i++) assigned[nodes[BASE + i]!] = ~(BASE + i);
  return { pos, flags, ranks, nodes, local, assigned };
}

Deno.test("map_insert keeps each node's smallest position and leaves frontier nodes as they are, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    const h = hop(1, true);
    const want = reference(h);
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const out = await runKernel(device, mapInsertKernel, {
        pos: h.pos,
        ids: h.ids,
        bound: h.bound,
      }, { n: CAPACITY, base: BASE, bound_at: BASE });
      assert.deepEqual(out.pos, want.pos, device.kind);
    }
  });
});

Deno.test("map_first, map_relabel and map_assign number new nodes in order of appearance, poisoned outputs, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    // Sampled neighbours are real nodes: no padding here.
    const h = hop(2, false);
    const want = reference(h);
    assert.ok(want.ranks[CAPACITY]! > 100, "the hop finds new nodes");
    for (const device of gpu ? [cpu, gpu] : [cpu]) {
      const u = { n: CAPACITY, base: BASE, bound_at: BASE };
      const { ids } = h;
      const pos = want.pos;
      const first = await runKernel(device, mapFirstKernel, {
        pos,
        ids,
        bound: h.bound,
        flags: CAPACITY,
      }, u);
      assert.deepEqual(first.flags, want.flags, `${device.kind} flags`);
      const nodes = new Int32Array(BASE + CAPACITY).fill(-7);
      nodes.set(h.frontier);
      const relabel = await runKernel(device, mapRelabelKernel, {
        pos,
        ids,
        bound: h.bound,
        ranks: want.ranks,
        local_ids: new Int32Array(CAPACITY).fill(-7),
        nodes,
      }, u);
      assert.deepEqual(relabel.local_ids, want.local, `${device.kind} local ids`);
      assert.deepEqual(relabel.nodes, want.nodes, `${device.kind} nodes`);
      const assigned = await runKernel(device, mapAssignKernel, {
        pos,
        nodes: want.nodes,
        bound: want.ranks,
      }, { n: CAPACITY, first: BASE, bound_at: CAPACITY, clear: 0 });
      assert.deepEqual(assigned.pos, want.assigned, `${device.kind} assigned map`);
      const cleared = await runKernel(device, mapAssignKernel, {
        pos: want.assigned,
        nodes: want.nodes.subarray(0, BASE + want.ranks[CAPACITY]!),
        bound: want.ranks,
      }, { n: BASE + want.ranks[CAPACITY]!, first: 0, bound_at: NO_BOUND, clear: 1 });
      assert.ok(cleared.pos.every((x) => x === 0), `${device.kind} cleared map`);
    }
  });
});

Deno.test("map_dedup numbers new nodes in one pass as the four parallel kernels do, padding -1, poisoned outputs, on both backends", async () => {
  await withDevices(async (cpu, gpu) => {
    for (const seed of [3, 4]) {
      const h = hop(seed, seed === 4);
      const want = reference(h);
      const added = want.ranks[CAPACITY]!;
      assert.ok(added > 100, "the hop finds new nodes");
      // Padding (-1) is relabelled -1; the reference leaves it unwritten (-7).
      const local = want.local.map((x, e) => e < COUNT && h.ids[e]! < 0 ? -1 : x);
      for (const device of gpu ? [cpu, gpu] : [cpu]) {
        const nodes = new Int32Array(BASE + CAPACITY).fill(-7);
        nodes.set(h.frontier);
        const counts = new Int32Array(CAPACITY + 1).fill(-7);
        const out = await runKernel(device, mapDedupKernel, {
          pos: h.pos,
          ids: h.ids,
          bound: h.bound,
          local_ids: new Int32Array(CAPACITY).fill(-7),
          nodes,
          counts,
        }, { base: BASE, bound_at: BASE, count_at: CAPACITY });
        const where = `${device.kind}, seed ${seed}`;
        assert.deepEqual(out.local_ids, local, `${where} local ids`);
        assert.deepEqual(out.nodes, want.nodes, `${where} nodes`);
        assert.deepEqual(out.pos, want.assigned, `${where} map`);
        assert.equal(out.counts[CAPACITY], added, `${where} count`);
        assert.ok(out.counts.subarray(0, CAPACITY).every((x) => x === -7), `${where} counts`);
      }
    }
  });
});
