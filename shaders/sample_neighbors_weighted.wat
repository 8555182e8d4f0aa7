;; The CPU backend's WebAssembly sample_neighbors_weighted (see
;; sample_neighbors_weighted.wgsl) for seeds [i0, i1), the indices and the
;; factors in one chunk each. Arguments are byte addresses in the device's
;; memory, then the seed uniform and the range. Two passes: each seed's kept
;; edges (the same pcg draws, keys, bound and insertion as the WGSL and
;; TypeScript), as absolute edge positions; then one flat loop of independent
;; loads from the indices, whose cache misses overlap.
(module
  (import "env" "memory" (memory $mem 1 65536 shared))
  ;; neg_log2_fixed's 16 fraction bits by the normalised mantissa m
  ;; (2^15 <= m < 2^16), a u16 at 2 (m - 2^15): filled at instantiation by the
  ;; same squarings, so one load gives the same bits as the 16 steps.
  (memory $log 1)
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
      (i32.store16 $log (i32.shl (local.get $i) (i32.const 1)) (local.get $f))
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
  (func (export "run")
    (param $indptr i32) (param $positive i32) (param $seeds i32) (param $offsets i32)
    (param $out i32) (param $keys i32) (param $idx i32) (param $w i32)
    (param $seed i32) (param $i0 i32) (param $i1 i32)
    (local $i i32) (local $o i32) (local $k i32) (local $v i32) (local $start i32)
    (local $d i32) (local $p i32) (local $pk i32) (local $row i32) (local $h i32)
    (local $j i32) (local $r i32) (local $c i32) (local $m i32) (local $q i32)
    (local $end i32) (local $f f32) (local $key f32) (local $worst f32)
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
        ;; $p, $pk: the byte addresses of the seed's first output and key
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))))
        (local.set $pk (i32.add (local.get $keys) (i32.shl (local.get $o) (i32.const 2))))
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
            (local.set $h (call $pcg (i32.xor (local.get $seed) (call $pcg (local.get $v)))))
            (local.set $m (i32.const 0))
            (local.set $worst (f32.const inf))
            (local.set $j (i32.const 0))
            (block $edges_done (loop $edges
              (br_if $edges_done (i32.ge_u (local.get $j) (local.get $d)))
              (block $next
                (local.set $f
                  (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                (br_if $next (f32.eq (local.get $f) (f32.const 0)))
                (local.set $r (i32.or (call $pcg (i32.add (local.get $h) (local.get $j)))
                  (i32.const 1)))
                (local.set $c (i32.clz (local.get $r)))
                ;; The leading bit of r bounds its logarithm from below: skip without
                ;; the logarithm when even that bound cannot enter (the worst kept key
                ;; is inf until k are kept).
                (br_if $next (f32.ge
                  (f32.mul
                    (f32.convert_i32_u
                      (i32.add (i32.shl (local.get $c) (i32.const 16)) (i32.const 1)))
                    (local.get $f))
                  (local.get $worst)))
                ;; The logarithm: (32 - n) << 16 minus the fraction of the 16 bits
                ;; below the leading one (r << c puts that one at bit 31).
                (local.set $key (f32.mul
                  (f32.convert_i32_u (i32.sub
                    (i32.shl (i32.add (local.get $c) (i32.const 1)) (i32.const 16))
                    (i32.load16_u $log (i32.and
                      (i32.shr_u (i32.shl (local.get $r) (local.get $c)) (i32.const 15))
                      (i32.const 65534)))))
                  (local.get $f)))
                (br_if $next (f32.ge (local.get $key) (local.get $worst)))
                ;; Insertion into the kept keys, ascending; the last one drops out when full.
                (local.set $q (i32.shl (local.get $m) (i32.const 2)))
                (if (i32.lt_u (local.get $m) (local.get $k))
                  (then (local.set $m (i32.add (local.get $m) (i32.const 1))))
                  (else (local.set $q (i32.sub (local.get $q) (i32.const 4)))))
                (block $placed (loop $shift
                  (br_if $placed (i32.eqz (local.get $q)))
                  (br_if $placed (i32.eqz (f32.gt
                    (f32.load offset=0 (i32.sub (i32.add (local.get $pk) (local.get $q)) (i32.const 4)))
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
              (br $edges)))
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
