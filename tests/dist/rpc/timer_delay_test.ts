import assert from "node:assert/strict";
import { PendingCalls } from "../../../dist/rpc/pending_calls.ts";
import { MAX_TIMER_MS, timerDelay } from "../../../dist/rpc/timer_delay.ts";

Deno.test("timerDelay() clamps to 2^31 - 1 ms and refuses NaN", () => {
  assert.equal(timerDelay(2 ** 31), MAX_TIMER_MS);
  assert.equal(timerDelay(Infinity), MAX_TIMER_MS);
  assert.equal(timerDelay(-5), 0);
  assert.equal(timerDelay(1234), 1234);
  assert.throws(() => timerDelay(NaN), RangeError);
});

Deno.test("a call's timeout beyond the longest timer delay waits instead of firing at once", async () => {
  const calls = new PendingCalls("rank 1");
  const { id, promise } = calls.add("slow", 2 ** 31 + 10);
  let settled = false;
  promise.then(() => settled = true, () => settled = true);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(settled, false, "a 2^31 ms timeout fired after 1 ms");
  calls.resolve(id, "done");
  assert.equal(await promise, "done");
});
