;; The CPU backend's WebAssembly bias_activation (see bias_activation.wgsl) for
;; whole rows [r0, r1), dim a multiple of 4, in place over y. Arguments are
;; byte addresses in the device's memory (bias: its first used element), then
;; the uniforms: base = pcg(seed), threshold = ceil(p * 65536) (0: no dropout),
;; scale = 1 / (1 - p). Four values at a time: (y + bias) * scale, zeroed
;; where ReLU or the dropout hash (pcg(base + i / 2), high 16 bits for even i,
;; low 16 for odd) clears them, as the WGSL does per value.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func $pcg (param $v i32) (result i32)
    (local $state i32) (local $word i32)
    (local.set $state (i32.add (i32.mul (local.get $v) (i32.const 747796405)) (i32.const -1403630843)))
    (local.set $word (i32.mul
      (i32.xor (i32.shr_u (local.get $state)
        (i32.add (i32.shr_u (local.get $state) (i32.const 28)) (i32.const 4)))
        (local.get $state))
      (i32.const 277803737)))
    (i32.xor (i32.shr_u (local.get $word) (i32.const 22)) (local.get $word)))
  (func (export "run")
    (param $y i32) (param $bias i32) (param $dim i32) (param $relu i32)
    (param $threshold i32) (param $scale f32) (param $base i32) (param $r0 i32) (param $r1 i32)
    (local $r i32) (local $c i32) (local $row i32) (local $row_bytes i32) (local $pair i32)
    (local $v v128) (local $scales v128) (local $thresholds v128) (local $hashes v128)
    (local.set $row_bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $scales (f32x4.splat (local.get $scale)))
    (local.set $thresholds (i32x4.splat (local.get $threshold)))
    (local.set $r (local.get $r0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $r) (local.get $r1)))
      (local.set $row (i32.add (local.get $y) (i32.mul (local.get $r) (local.get $row_bytes))))
      (local.set $c (i32.const 0))
      (block $cols_done (loop $cols
        (br_if $cols_done (i32.ge_u (local.get $c) (local.get $row_bytes)))
        (local.set $v (f32x4.mul (local.get $scales) (f32x4.add
          (v128.load (i32.add (local.get $row) (local.get $c)))
          (v128.load (i32.add (local.get $bias) (local.get $c))))))
        (if (local.get $relu) (then
          (local.set $v (v128.and (local.get $v)
            (f32x4.gt (local.get $v) (v128.const i32x4 0 0 0 0))))))
        (if (local.get $threshold) (then
          ;; Values i .. i + 3 (i a multiple of 4) take pairs i / 2 and i / 2 + 1.
          (local.set $pair (i32.add (local.get $base) (i32.shr_u
            (i32.add (i32.mul (local.get $r) (local.get $dim)) (i32.shr_u (local.get $c) (i32.const 2)))
            (i32.const 1))))
          (local.set $hashes (i32x4.splat (call $pcg (local.get $pair))))
          (local.set $pair (call $pcg (i32.add (local.get $pair) (i32.const 1))))
          (local.set $hashes (i32x4.replace_lane 3
            (i32x4.replace_lane 2 (local.get $hashes) (local.get $pair)) (local.get $pair)))
          (local.set $v (v128.and (local.get $v) (i32x4.ge_u
            (v128.bitselect
              (i32x4.shr_u (local.get $hashes) (i32.const 16))
              (v128.and (local.get $hashes) (v128.const i32x4 0xffff 0xffff 0xffff 0xffff))
              (v128.const i32x4 -1 0 -1 0))
            (local.get $thresholds))))))
        (v128.store (i32.add (local.get $row) (local.get $c)) (local.get $v))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cols)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))))
