;; The CPU backend's WebAssembly sample_neighbors_weighted (see
;; sample_neighbors_weighted.wgsl) for seeds [i0, i1), the indices and the
;; factors in one chunk each. Arguments are byte addresses in the device's
;; memory, then the seed uniform and the range. The same pcg draws and keys
;; as the WGSL and TypeScript, the k smallest kept by key, ties to the earlier
;; edge. Three passes: a flat loop touching each seed's offsets and first
;; factor, so their cache misses overlap; each seed's kept edges, as absolute
;; edge positions; then one flat loop of independent loads from the indices.
(module
  (import "env" "memory" (memory $mem 1 65536 shared))
  ;; This module's own memory. Bytes [0, 65536): neg_log2_fixed's 16 fraction
  ;; bits by the normalised mantissa m (2^15 <= m < 2^16), a u16 at
  ;; 2 (m - 2^15), filled at instantiation by the same squarings, so one load
  ;; gives the bits of the 16 steps. Then $draw_small's kept keys (65536) and
  ;; positions (65664), 32 of each, and the prefetch pass's sink (65792).
  (memory $own 2)
  (func $fill
    (local $i i32) (local $m i32) (local $f i32) (local $b i32)
    (local.set $i (i32.const 0))
    (block $done (loop $mantissas
      (br_if $done (i32.ge_u (local.get $i) (i32.const 32768)))
      (local.set $m (i32.add (local.get $i) (i32.const 32768)))
      (local.set $f (i32.const 0))
      (local.set $b (i32.const 0))
      (block $bits_done (loop $bits
        (br_if $bits_done (i32.ge_u (local.get $b) (i32.const 16)))
        (local.set $m (i32.shr_u (i32.mul (local.get $m) (local.get $m)) (i32.const 15)))
        (local.set $f (i32.shl (local.get $f) (i32.const 1)))
        (if (i32.ge_u (local.get $m) (i32.const 65536)) (then
          (local.set $m (i32.shr_u (local.get $m) (i32.const 1)))
          (local.set $f (i32.or (local.get $f) (i32.const 1)))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bits)))
      (i32.store16 $own (i32.shl (local.get $i) (i32.const 1)) (local.get $f))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $mantissas))))
  (start $fill)
  (func $pcg (param $v i32) (result i32)
    (local $state i32) (local $word i32)
    (local.set $state
      (i32.add (i32.mul (local.get $v) (i32.const 747796405)) (i32.const -1403630843)))
    (local.set $word
      (i32.mul
        (i32.xor
          (i32.shr_u (local.get $state)
            (i32.add (i32.shr_u (local.get $state) (i32.const 28)) (i32.const 4)))
          (local.get $state))
        (i32.const 277803737)))
    (i32.xor (i32.shr_u (local.get $word) (i32.const 22)) (local.get $word)))
  ;; Edge j's key: f32(neg_log2_fixed(pcg(h + j))) * f, the float32 product;
  ;; +inf for a zero-weight edge (f = 0), which then never goes in. The
  ;; logarithm is (32 - n) << 16 minus the fraction of the 16 bits below
  ;; r's leading one n (r << clz(r) puts that one at bit 31).
  (func $key (param $h i32) (param $j i32) (param $f f32) (result f32)
    (local $r i32) (local $c i32)
    (local.set $r (i32.or (call $pcg (i32.add (local.get $h) (local.get $j))) (i32.const 1)))
    (local.set $c (i32.clz (local.get $r)))
    (select
      (f32.const inf)
      (f32.mul
        (f32.convert_i32_u (i32.sub
          (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 16))
          (i32.load16_u $own (i32.and
            (i32.shr_u (i32.shl (local.get $r) (local.get $c)) (i32.const 15))
            (i32.const 65534)))))
        (local.get $f))
      (f32.eq (local.get $f) (f32.const 0))))
  ;; The k <= 32 smallest keys of a row's d edges (factors at $row), kept at
  ;; 65536 of $own, their positions at 65664, in vectors of 4 lanes, ascending,
  ;; +inf past the edges seen. An edge goes in by one pass over the vectors
  ;; without a branch: lane i becomes K[i] if K[i] <= x, else x if
  ;; K[i - 1] <= x, else K[i - 1] (ties stay before x: the earlier edge wins),
  ;; which is what an insertion sort leaves in lanes 0 to k - 1. Past the first
  ;; 4k edges most keys cannot enter, and a branch on the worst kept key skips
  ;; them (earlier, a branch taken about half the time costs more than it saves).
  (func $draw_small (param $row i32) (param $d i32) (param $h i32) (param $k i32)
    (local $j i32) (local $key f32) (local $x v128) (local $js v128) (local $a i32)
    (local $end i32) (local $last i32) (local $kv v128) (local $pv v128) (local $ck v128)
    (local $cp v128) (local $kp v128) (local $pp v128) (local $m0 v128) (local $m1 v128)
    ;; $end: past the vector holding lane k - 1; $last: lane k - 1
    (local.set $end (i32.add (i32.const 65536)
      (i32.and (i32.add (i32.shl (local.get $k) (i32.const 2)) (i32.const 12)) (i32.const -16))))
    (local.set $last (i32.add (i32.const 65532) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $a (i32.const 65536))
    (block $init_done (loop $init
      (br_if $init_done (i32.ge_u (local.get $a) (local.get $end)))
      (v128.store $own (local.get $a) (v128.const f32x4 inf inf inf inf))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (br $init)))
    (local.set $j (i32.const 0))
    (block $edges_done (loop $edges
      (br_if $edges_done (i32.ge_u (local.get $j) (local.get $d)))
      (block $next
        (local.set $key (call $key (local.get $h) (local.get $j)
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
        (if (i32.ge_u (local.get $j) (i32.shl (local.get $k) (i32.const 2))) (then
          (br_if $next (f32.ge (local.get $key) (f32.load $own (local.get $last))))))
        (local.set $x (f32x4.splat (local.get $key)))
        (local.set $js (i32x4.splat (local.get $j)))
        (local.set $ck (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $cp (v128.const i32x4 0 0 0 0))
        (local.set $a (i32.const 65536))
        (block $vectors_done (loop $vectors
          (br_if $vectors_done (i32.ge_u (local.get $a) (local.get $end)))
          (local.set $kv (v128.load $own (local.get $a)))
          (local.set $pv (v128.load $own offset=128 (local.get $a)))
          ;; K[i - 1]: the lanes moved up by one, the previous vector's last first.
          (local.set $kp (i8x16.shuffle 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27
            (local.get $ck) (local.get $kv)))
          (local.set $pp (i8x16.shuffle 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27
            (local.get $cp) (local.get $pv)))
          (local.set $m1 (f32x4.gt (local.get $kv) (local.get $x)))
          (local.set $m0 (f32x4.gt (local.get $kp) (local.get $x)))
          (v128.store $own (local.get $a) (v128.bitselect
            (v128.bitselect (local.get $kp) (local.get $x) (local.get $m0))
            (local.get $kv)
            (local.get $m1)))
          (v128.store $own offset=128 (local.get $a) (v128.bitselect
            (v128.bitselect (local.get $pp) (local.get $js) (local.get $m0))
            (local.get $pv)
            (local.get $m1)))
          (local.set $ck (local.get $kv))
          (local.set $cp (local.get $pv))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (br $vectors))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $edges))))
  ;; Any k: an insertion into the kept keys (at $pk) and positions (at $p),
  ;; ascending; the last one drops out when full.
  (func $draw_large (param $row i32) (param $d i32) (param $h i32) (param $k i32)
    (param $p i32) (param $pk i32)
    (local $j i32) (local $m i32) (local $q i32) (local $key f32) (local $worst f32)
    (local.set $worst (f32.const inf))
    (local.set $j (i32.const 0))
    (block $edges_done (loop $edges
      (br_if $edges_done (i32.ge_u (local.get $j) (local.get $d)))
      (block $next
        (local.set $key (call $key (local.get $h) (local.get $j)
          (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
        (br_if $next (f32.ge (local.get $key) (local.get $worst)))
        (local.set $q (i32.shl (local.get $m) (i32.const 2)))
        (if (i32.lt_u (local.get $m) (local.get $k))
          (then (local.set $m (i32.add (local.get $m) (i32.const 1))))
          (else (local.set $q (i32.sub (local.get $q) (i32.const 4)))))
        (block $placed (loop $shift
          (br_if $placed (i32.eqz (local.get $q)))
          (br_if $placed (i32.eqz (f32.gt
            (f32.load (i32.sub (i32.add (local.get $pk) (local.get $q)) (i32.const 4)))
            (local.get $key))))
          (f32.store (i32.add (local.get $pk) (local.get $q))
            (f32.load (i32.sub (i32.add (local.get $pk) (local.get $q)) (i32.const 4))))
          (i32.store (i32.add (local.get $p) (local.get $q))
            (i32.load (i32.sub (i32.add (local.get $p) (local.get $q)) (i32.const 4))))
          (local.set $q (i32.sub (local.get $q) (i32.const 4)))
          (br $shift)))
        (f32.store (i32.add (local.get $pk) (local.get $q)) (local.get $key))
        (i32.store (i32.add (local.get $p) (local.get $q)) (local.get $j))
        (if (i32.eq (local.get $m) (local.get $k)) (then
          (local.set $worst (f32.load (i32.add (local.get $pk)
            (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2))))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $edges))))
  (func (export "run")
    (param $indptr i32) (param $positive i32) (param $seeds i32) (param $offsets i32)
    (param $out i32) (param $keys i32) (param $idx i32) (param $w i32)
    (param $seed i32) (param $i0 i32) (param $i1 i32)
    (local $i i32) (local $o i32) (local $k i32) (local $v i32) (local $start i32)
    (local $d i32) (local $p i32) (local $row i32) (local $h i32) (local $j i32)
    (local $q i32) (local $end i32) (local $sink i32)
    ;; Touch each sampled seed's offsets and first factor (a seed with k = 0,
    ;; padding included, is not read); the loads are independent.
    (local.set $i (local.get $i0))
    (block $touch_done (loop $touch
      (br_if $touch_done (i32.ge_u (local.get $i) (local.get $i1)))
      (local.set $p (i32.add (local.get $offsets) (i32.shl (local.get $i) (i32.const 2))))
      (if (i32.ne (i32.load offset=4 (local.get $p)) (i32.load (local.get $p))) (then
        (local.set $v
          (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $start
          (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $v) (i32.const 2)))))
        (local.set $sink (i32.xor (local.get $sink) (i32.xor
          (i32.load (i32.add (local.get $positive) (i32.shl (local.get $v) (i32.const 2))))
          (i32.load (i32.add (local.get $w) (i32.shl (local.get $start) (i32.const 2)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $touch)))
    (i32.store $own (i32.const 65792) (local.get $sink))
    (local.set $i (local.get $i0))
    (block $seeds_done (loop $seeds
      (br_if $seeds_done (i32.ge_u (local.get $i) (local.get $i1)))
      (local.set $p (i32.add (local.get $offsets) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $o (i32.load (local.get $p)))
      (local.set $k (i32.sub (i32.load offset=4 (local.get $p)) (local.get $o)))
      (if (i32.ne (local.get $k) (i32.const 0)) (then
        (local.set $v (i32.load (i32.add (local.get $seeds) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $p (i32.add (local.get $indptr) (i32.shl (local.get $v) (i32.const 2))))
        (local.set $start (i32.load (local.get $p)))
        (local.set $d (i32.sub (i32.load offset=4 (local.get $p)) (local.get $start)))
        (local.set $row (i32.add (local.get $w) (i32.shl (local.get $start) (i32.const 2))))
        (local.set $h (call $pcg (i32.xor (local.get $seed) (call $pcg (local.get $v)))))
        ;; $p: the byte address of the seed's first output
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))))
        (local.set $q (i32.add (local.get $positive) (i32.shl (local.get $v) (i32.const 2))))
        (if (i32.le_u (i32.sub (i32.load offset=4 (local.get $q)) (i32.load (local.get $q)))
              (local.get $k))
          (then
            ;; Every positive-weight edge, in order.
            (local.set $j (i32.const 0))
            (local.set $q (local.get $p))
            (block $all_done (loop $all
              (br_if $all_done (i32.ge_u (local.get $j) (local.get $d)))
              (if (f32.gt (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))
                    (f32.const 0))
                (then
                  (i32.store (local.get $q) (i32.add (local.get $start) (local.get $j)))
                  (local.set $q (i32.add (local.get $q) (i32.const 4)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $all))))
          (else
            (if (i32.le_u (local.get $k) (i32.const 32))
              (then
                (call $draw_small (local.get $row) (local.get $d) (local.get $h) (local.get $k))
                (memory.copy $mem $own (local.get $p) (i32.const 65664)
                  (i32.shl (local.get $k) (i32.const 2))))
              (else
                (call $draw_large (local.get $row) (local.get $d) (local.get $h) (local.get $k)
                  (local.get $p)
                  (i32.add (local.get $keys) (i32.shl (local.get $o) (i32.const 2))))))
            ;; Positions made absolute.
            (local.set $q (local.get $p))
            (local.set $end (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2))))
            (block $abs_done (loop $abs
              (br_if $abs_done (i32.ge_u (local.get $q) (local.get $end)))
              (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (local.get $start)))
              (local.set $q (i32.add (local.get $q) (i32.const 4)))
              (br $abs)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $seeds)))
    ;; The loads, one flat loop over the range's outputs.
    (local.set $q (i32.add (local.get $out)
      (i32.shl (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $i0) (i32.const 2))))
        (i32.const 2))))
    (local.set $end (i32.add (local.get $out)
      (i32.shl (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $i1) (i32.const 2))))
        (i32.const 2))))
    (block $loads_done (loop $loads
      (br_if $loads_done (i32.ge_u (local.get $q) (local.get $end)))
      (i32.store (local.get $q)
        (i32.load (i32.add (local.get $idx) (i32.shl (i32.load (local.get $q)) (i32.const 2)))))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $loads)))))
