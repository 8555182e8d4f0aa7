;; The CPU backend's WebAssembly sample_neighbors (see sample_neighbors.wgsl)
;; for seeds [i0, i1), the indices in one chunk. Arguments are byte addresses
;; in the device's memory, then the seed uniform and the range. Two passes:
;; each seed's positions by Floyd's algorithm (the same pcg draws and
;; remainders as the WGSL and TypeScript), made absolute; then one flat loop
;; of independent loads from the indices, whose cache misses overlap.
(module
  (import "env" "memory" (memory 1 65536 shared))
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
    (param $indptr i32) (param $seeds i32) (param $offsets i32) (param $out i32)
    (param $idx i32) (param $seed i32) (param $i0 i32) (param $i1 i32)
    (local $i i32) (local $o i32) (local $k i32) (local $v i32) (local $start i32)
    (local $d i32) (local $h i32) (local $j i32) (local $t i32) (local $q i32)
    (local $p i32) (local $end i32)
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
        ;; $p: the byte address of the seed's first output
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $o) (i32.const 2))))
        (if (i32.gt_u (local.get $d) (local.get $k))
          (then
            (local.set $h (call $pcg (i32.xor (local.get $seed) (call $pcg (local.get $v)))))
            (local.set $j (i32.sub (local.get $d) (local.get $k)))
            (local.set $end (local.get $p))
            (block $draws_done (loop $draws
              (br_if $draws_done (i32.ge_u (local.get $j) (local.get $d)))
              (local.set $t (i32.rem_u (call $pcg (i32.add (local.get $h) (local.get $j)))
                (i32.add (local.get $j) (i32.const 1))))
              ;; A position drawn before becomes j (Floyd's algorithm).
              (local.set $q (local.get $p))
              (block $seen (loop $scan
                (br_if $seen (i32.ge_u (local.get $q) (local.get $end)))
                (if (i32.eq (i32.load (local.get $q)) (local.get $t)) (then
                  (local.set $t (local.get $j))
                  (br $seen)))
                (local.set $q (i32.add (local.get $q) (i32.const 4)))
                (br $scan)))
              (i32.store (local.get $end) (local.get $t))
              (local.set $end (i32.add (local.get $end) (i32.const 4)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $draws)))
            ;; Positions made absolute.
            (local.set $q (local.get $p))
            (block $abs_done (loop $abs
              (br_if $abs_done (i32.ge_u (local.get $q) (local.get $end)))
              (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (local.get $start)))
              (local.set $q (i32.add (local.get $q) (i32.const 4)))
              (br $abs))))
          (else
            (local.set $j (i32.const 0))
            (block $all_done (loop $all
              (br_if $all_done (i32.ge_u (local.get $j) (local.get $d)))
              (i32.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 2)))
                (i32.add (local.get $start) (local.get $j)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $all)))))))
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
