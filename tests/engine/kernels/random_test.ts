import assert from "node:assert/strict";
import {
  LOG2_FRACTIONS,
  negLog2Fixed,
  negLog2FixedBits,
  pcg,
  pcgBits,
} from "../../../engine/kernels/_random.ts";
import { rng } from "../../_random.ts";

Deno.test("negLog2FixedBits() gives negLog2Fixed()'s bits for every mantissa at every exponent", () => {
  assert.equal(LOG2_FRACTIONS.length, 1 << 15);
  for (let n = 0; n < 32; n++) {
    // Every value of the 16 leading bits below r's leading bit n, the bits below them varied.
    for (let top = 0; top < 1 << 15; top++) {
      const lead = n >= 15 ? 2 ** n + top * 2 ** (n - 15) : 2 ** n + (top >>> (15 - n));
      const r = n > 15 ? lead + ((top * 40503) % 2 ** (n - 15)) : lead;
      if (negLog2FixedBits(r | 0) !== negLog2Fixed(r)) {
        assert.fail(`r = ${r}: ${negLog2FixedBits(r | 0)}, expected ${negLog2Fixed(r)}`);
      }
    }
  }
  for (const r of [0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff]) {
    assert.equal(negLog2FixedBits(r | 0), negLog2Fixed(r), `r = ${r}`);
  }
});

Deno.test("pcgBits() gives pcg()'s bits as int32, from a uint32 or its int32 bits", () => {
  const r = rng(4);
  const vs = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
  for (let i = 0; i < 100000; i++) vs.push(Math.floor(r() * 2 ** 32));
  for (const v of vs) {
    assert.equal(pcgBits(v), pcg(v) | 0, `v = ${v}`);
    assert.equal(pcgBits(v | 0), pcg(v) | 0, `v = ${v} as int32`);
  }
});
