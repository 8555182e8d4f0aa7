;; The CPU backend's WebAssembly matmul (see matmul.wgsl): rows [r0, r1) of
;; C = op(A) op(B) (+ C when beta is 1), any m, n, k > 0, A and B read in
;; place (no packing, so no scratch memory). Arguments are byte addresses of
;; the operands' first elements in the device's memory, then the uniforms
;; (leading dimensions in elements).
;;
;; B not transposed (forward X W, weight gradient X^T dY): 4x8 tiles of C in
;; eight f32x4 accumulators; each step of k loads 8 values of a row of B and
;; broadcasts one value of each of 4 rows of op(A), whose strides make A^T
;; cost nothing. Cache tiling: columns in blocks of NC, k in blocks of KC, so
;; that a KC x NC block of B stays in L2 while a thread's rows pass over it.
;; B transposed (input gradient dY W^T): 2x4 tiles of dot products along k,
;; both operands read 4 values at a time, summed across lanes at the end;
;; B's rows come in blocks of about 256 KiB for the same reason.
;;
;; Ragged edges: tiles past the last row or column repeat a valid row of A
;; or B, and stores write only the valid lanes. The rows of B that a full
;; 8-wide load would read past B's end are read lane by lane.
;;
;; `deno task wasm` also builds a plain-SIMD twin of this module, with every
;; f32x4.relaxed_madd (fused where V8 has it) replaced by a multiply and an add.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Up to 4 floats at $p: lanes from $w on are 0 and nothing there is read.
  (func $load (param $p i32) (param $w i32) (result v128)
    (if (i32.ge_s (local.get $w) (i32.const 4)) (then (return (v128.load (local.get $p)))))
    (if (i32.eq (local.get $w) (i32.const 3)) (then
      (return (v128.load32_lane 2 (i32.add (local.get $p) (i32.const 8))
        (v128.load64_zero (local.get $p))))))
    (if (i32.eq (local.get $w) (i32.const 2)) (then (return (v128.load64_zero (local.get $p)))))
    (if (i32.eq (local.get $w) (i32.const 1)) (then (return (v128.load32_zero (local.get $p)))))
    (v128.const i32x4 0 0 0 0))

  ;; Writes $v (+ the floats at $p when $beta) to the first $w lanes at $p.
  (func $out (param $p i32) (param $v v128) (param $w i32) (param $beta i32)
    (if (i32.le_s (local.get $w) (i32.const 0)) (then (return)))
    (if (local.get $beta) (then
      (local.set $v (f32x4.add (local.get $v) (call $load (local.get $p) (local.get $w))))))
    (if (i32.ge_s (local.get $w) (i32.const 4)) (then
      (v128.store (local.get $p) (local.get $v))
      (return)))
    (if (i32.ge_s (local.get $w) (i32.const 2)) (then
      (v128.store64_lane 0 (local.get $p) (local.get $v))
      (if (i32.eq (local.get $w) (i32.const 3)) (then
        (v128.store32_lane 2 (i32.add (local.get $p) (i32.const 8)) (local.get $v))))
      (return)))
    (v128.store32_lane 0 (local.get $p) (local.get $v)))

  ;; [sum(x0), sum(x1), sum(x2), sum(x3)]: each vector's lanes added.
  (func $hsum4 (param $x0 v128) (param $x1 v128) (param $x2 v128) (param $x3 v128) (result v128)
    (local $u v128) (local $v v128)
    (local.set $u (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1))))
    (local.set $v (f32x4.add
      (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3))
      (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3))))
    (f32x4.add
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $u) (local.get $v))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $u) (local.get $v))))

  ;; One 4x8 tile over kc steps of k: op(A) rows at $a, $rsa bytes apart, $csa
  ;; bytes per step; B rows at $b, $ldb bytes apart. The first $kfull steps
  ;; load 8 values of B at once, the others $cols values lane by lane.
  (func $tile
    (param $a i32) (param $rsa i32) (param $csa i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $kc i32) (param $kfull i32)
    (param $rows i32) (param $cols i32) (param $beta i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $p i32) (local $w0 i32) (local $w1 i32)
    (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $rsa)) (local.get $a)
      (i32.gt_s (local.get $rows) (i32.const 1))))
    (local.set $a2 (select (i32.add (local.get $a1) (local.get $rsa)) (local.get $a1)
      (i32.gt_s (local.get $rows) (i32.const 2))))
    (local.set $a3 (select (i32.add (local.get $a2) (local.get $rsa)) (local.get $a2)
      (i32.gt_s (local.get $rows) (i32.const 3))))
    (local.set $w0 (select (i32.const 4) (local.get $cols) (i32.gt_s (local.get $cols) (i32.const 4))))
    (local.set $w1 (i32.sub (local.get $cols) (i32.const 4)))
    (block $full_done (loop $full
      (br_if $full_done (i32.ge_s (local.get $p) (local.get $kfull)))
      (local.set $b0 (v128.load (local.get $b)))
      (local.set $b1 (v128.load offset=16 (local.get $b)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
      (local.set $x (v128.load32_splat (local.get $a1)))
      (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c11)))
      (local.set $x (v128.load32_splat (local.get $a2)))
      (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c21)))
      (local.set $x (v128.load32_splat (local.get $a3)))
      (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31)))
      (local.set $a (i32.add (local.get $a) (local.get $csa)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $csa)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $csa)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $csa)))
      (local.set $b (i32.add (local.get $b) (local.get $ldb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $full)))
    (block $part_done (loop $part
      (br_if $part_done (i32.ge_s (local.get $p) (local.get $kc)))
      (local.set $b0 (call $load (local.get $b) (local.get $w0)))
      (local.set $b1 (call $load (i32.add (local.get $b) (i32.const 16)) (local.get $w1)))
      (local.set $x (v128.load32_splat (local.get $a)))
      (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
      (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
      (local.set $x (v128.load32_splat (local.get $a1)))
      (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
      (local.set $c11 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c11)))
      (local.set $x (v128.load32_splat (local.get $a2)))
      (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
      (local.set $c21 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c21)))
      (local.set $x (v128.load32_splat (local.get $a3)))
      (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
      (local.set $c31 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31)))
      (local.set $a (i32.add (local.get $a) (local.get $csa)))
      (local.set $a1 (i32.add (local.get $a1) (local.get $csa)))
      (local.set $a2 (i32.add (local.get $a2) (local.get $csa)))
      (local.set $a3 (i32.add (local.get $a3) (local.get $csa)))
      (local.set $b (i32.add (local.get $b) (local.get $ldb)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $part)))
    (call $out (local.get $c) (local.get $c00) (local.get $w0) (local.get $beta))
    (call $out (i32.add (local.get $c) (i32.const 16)) (local.get $c01) (local.get $w1) (local.get $beta))
    (if (i32.le_s (local.get $rows) (i32.const 1)) (then (return)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $out (local.get $c) (local.get $c10) (local.get $w0) (local.get $beta))
    (call $out (i32.add (local.get $c) (i32.const 16)) (local.get $c11) (local.get $w1) (local.get $beta))
    (if (i32.le_s (local.get $rows) (i32.const 2)) (then (return)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $out (local.get $c) (local.get $c20) (local.get $w0) (local.get $beta))
    (call $out (i32.add (local.get $c) (i32.const 16)) (local.get $c21) (local.get $w1) (local.get $beta))
    (if (i32.le_s (local.get $rows) (i32.const 3)) (then (return)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (call $out (local.get $c) (local.get $c30) (local.get $w0) (local.get $beta))
    (call $out (i32.add (local.get $c) (i32.const 16)) (local.get $c31) (local.get $w1) (local.get $beta)))

  ;; C rows [r0, r1) = op(A) B (+ C): strides in bytes except $ldb (elements).
  (func $nn
    (param $a i32) (param $rsa i32) (param $csa i32) (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32) (param $n i32) (param $k i32) (param $beta i32)
    (param $r0 i32) (param $r1 i32)
    (local $jc i32) (local $je i32) (local $pc i32) (local $kc i32) (local $i i32) (local $j i32)
    (local $cols i32) (local $kfull i32)
    (block $jc_done (loop $jc_loop
      (br_if $jc_done (i32.ge_s (local.get $jc) (local.get $n)))
      (local.set $je (i32.add (local.get $jc) (global.get $NC)))
      (local.set $je (select (local.get $n) (local.get $je) (i32.gt_s (local.get $je) (local.get $n))))
      (local.set $pc (i32.const 0))
      (block $pc_done (loop $pc_loop
        (br_if $pc_done (i32.ge_s (local.get $pc) (local.get $k)))
        (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
        (local.set $kc (select (global.get $KC) (local.get $kc)
          (i32.gt_s (local.get $kc) (global.get $KC))))
        (local.set $i (local.get $r0))
        (block $i_done (loop $i_loop
          (br_if $i_done (i32.ge_s (local.get $i) (local.get $r1)))
          (local.set $j (local.get $jc))
          (block $j_done (loop $j_loop
            (br_if $j_done (i32.ge_s (local.get $j) (local.get $je)))
            (local.set $cols (i32.sub (local.get $je) (local.get $j)))
            (local.set $kfull (local.get $kc))
            (if (i32.lt_s (local.get $cols) (i32.const 8)) (then
              ;; Rows p past k - ceil((8 - cols) / ldb) would read past B's end.
              (local.set $kfull (i32.sub (i32.sub (local.get $k) (local.get $pc))
                (i32.div_s (i32.add (i32.sub (i32.const 7) (local.get $cols)) (local.get $ldb))
                  (local.get $ldb))))
              (local.set $kfull (select (local.get $kfull) (i32.const 0)
                (i32.gt_s (local.get $kfull) (i32.const 0))))
              (local.set $kfull (select (local.get $kc) (local.get $kfull)
                (i32.gt_s (local.get $kfull) (local.get $kc))))))
            (call $tile
              (i32.add (local.get $a) (i32.add (i32.mul (local.get $i) (local.get $rsa))
                (i32.mul (local.get $pc) (local.get $csa))))
              (local.get $rsa) (local.get $csa)
              (i32.add (local.get $b) (i32.shl
                (i32.add (i32.mul (local.get $pc) (local.get $ldb)) (local.get $j)) (i32.const 2)))
              (i32.shl (local.get $ldb) (i32.const 2))
              (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc))
                (i32.shl (local.get $j) (i32.const 2))))
              (local.get $ldc) (local.get $kc) (local.get $kfull)
              (i32.sub (local.get $r1) (local.get $i)) (local.get $cols)
              (i32.or (local.get $beta) (i32.gt_s (local.get $pc) (i32.const 0))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $j_loop)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $i_loop)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br $pc_loop)))
      (local.set $jc (local.get $je))
      (br $jc_loop))))

  ;; One 2x4 tile of dot products of k values: rows of A at $a, $lda bytes
  ;; apart; rows of B at $b, $ldb bytes apart.
  (func $dot
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $k i32) (param $rows i32) (param $cols i32) (param $beta i32)
    (local $a1 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32) (local $p i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $a1 (select (i32.add (local.get $a) (local.get $lda)) (local.get $a)
      (i32.gt_s (local.get $rows) (i32.const 1))))
    (local.set $b1 (select (i32.add (local.get $b) (local.get $ldb)) (local.get $b)
      (i32.gt_s (local.get $cols) (i32.const 1))))
    (local.set $b2 (select (i32.add (local.get $b1) (local.get $ldb)) (local.get $b1)
      (i32.gt_s (local.get $cols) (i32.const 2))))
    (local.set $b3 (select (i32.add (local.get $b2) (local.get $ldb)) (local.get $b2)
      (i32.gt_s (local.get $cols) (i32.const 3))))
    (loop $steps
      ;; 4 values of k at a time while there are 4, then one at a time in lane 0.
      (if (i32.le_s (i32.add (local.get $p) (i32.const 4)) (local.get $k))
        (then
          (local.set $x0 (v128.load (local.get $a)))
          (local.set $x1 (v128.load (local.get $a1)))
          (local.set $y (v128.load (local.get $b)))
          (local.set $s00 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s00)))
          (local.set $s10 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s10)))
          (local.set $y (v128.load (local.get $b1)))
          (local.set $s01 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s01)))
          (local.set $s11 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s11)))
          (local.set $y (v128.load (local.get $b2)))
          (local.set $s02 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s02)))
          (local.set $s12 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s12)))
          (local.set $y (v128.load (local.get $b3)))
          (local.set $s03 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s03)))
          (local.set $s13 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s13)))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))
          (local.set $a1 (i32.add (local.get $a1) (i32.const 16)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))
          (local.set $b1 (i32.add (local.get $b1) (i32.const 16)))
          (local.set $b2 (i32.add (local.get $b2) (i32.const 16)))
          (local.set $b3 (i32.add (local.get $b3) (i32.const 16)))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $steps))
        (else
          (if (i32.lt_s (local.get $p) (local.get $k)) (then
            (local.set $x0 (v128.load32_zero (local.get $a)))
            (local.set $x1 (v128.load32_zero (local.get $a1)))
            (local.set $y (v128.load32_zero (local.get $b)))
            (local.set $s00 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s00)))
            (local.set $s10 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s10)))
            (local.set $y (v128.load32_zero (local.get $b1)))
            (local.set $s01 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s01)))
            (local.set $s11 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s11)))
            (local.set $y (v128.load32_zero (local.get $b2)))
            (local.set $s02 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s02)))
            (local.set $s12 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s12)))
            (local.set $y (v128.load32_zero (local.get $b3)))
            (local.set $s03 (f32x4.relaxed_madd (local.get $x0) (local.get $y) (local.get $s03)))
            (local.set $s13 (f32x4.relaxed_madd (local.get $x1) (local.get $y) (local.get $s13)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
            (local.set $b (i32.add (local.get $b) (i32.const 4)))
            (local.set $b1 (i32.add (local.get $b1) (i32.const 4)))
            (local.set $b2 (i32.add (local.get $b2) (i32.const 4)))
            (local.set $b3 (i32.add (local.get $b3) (i32.const 4)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $steps))))))
    (call $out (local.get $c)
      (call $hsum4 (local.get $s00) (local.get $s01) (local.get $s02) (local.get $s03))
      (local.get $cols) (local.get $beta))
    (if (i32.gt_s (local.get $rows) (i32.const 1)) (then
      (call $out (i32.add (local.get $c) (local.get $ldc))
        (call $hsum4 (local.get $s10) (local.get $s11) (local.get $s12) (local.get $s13))
        (local.get $cols) (local.get $beta)))))

  ;; C rows [r0, r1) = A B^T (+ C): strides in bytes.
  (func $nt
    (param $a i32) (param $lda i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $n i32) (param $k i32) (param $beta i32) (param $r0 i32) (param $r1 i32)
    (local $jn i32) (local $jc i32) (local $je i32) (local $i i32) (local $j i32)
    ;; Rows of B per block: about 256 KiB of them, a multiple of 4, at least 4.
    (local.set $jn (i32.and (i32.div_s (i32.const 65536) (local.get $k)) (i32.const -4)))
    (local.set $jn (select (local.get $jn) (i32.const 4) (i32.gt_s (local.get $jn) (i32.const 4))))
    (block $jc_done (loop $jc_loop
      (br_if $jc_done (i32.ge_s (local.get $jc) (local.get $n)))
      (local.set $je (i32.add (local.get $jc) (local.get $jn)))
      (local.set $je (select (local.get $n) (local.get $je) (i32.gt_s (local.get $je) (local.get $n))))
      (local.set $i (local.get $r0))
      (block $i_done (loop $i_loop
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $r1)))
        (local.set $j (local.get $jc))
        (block $j_done (loop $j_loop
          (br_if $j_done (i32.ge_s (local.get $j) (local.get $je)))
          (call $dot
            (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $lda))) (local.get $lda)
            (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $ldb))) (local.get $ldb)
            (i32.add (local.get $c) (i32.add (i32.mul (local.get $i) (local.get $ldc))
              (i32.shl (local.get $j) (i32.const 2))))
            (local.get $ldc) (local.get $k)
            (i32.sub (local.get $r1) (local.get $i)) (i32.sub (local.get $je) (local.get $j))
            (local.get $beta))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $j_loop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $i_loop)))
      (local.set $jc (local.get $je))
      (br $jc_loop))))

  ;; Columns of C per block and steps of k per block (see the top).
  (global $NC i32 (i32.const 256))
  (global $KC i32 (i32.const 256))

  (func (export "run")
    (param $a i32) (param $b i32) (param $c i32) (param $n i32) (param $k i32)
    (param $trans_a i32) (param $trans_b i32) (param $lda i32) (param $ldb i32) (param $ldc i32)
    (param $beta i32) (param $r0 i32) (param $r1 i32)
    (if (local.get $trans_b)
      (then
        (call $nt (local.get $a) (i32.shl (local.get $lda) (i32.const 2))
          (local.get $b) (i32.shl (local.get $ldb) (i32.const 2))
          (local.get $c) (i32.shl (local.get $ldc) (i32.const 2))
          (local.get $n) (local.get $k) (local.get $beta) (local.get $r0) (local.get $r1)))
      (else
        (call $nn (local.get $a)
          (select (i32.const 4) (i32.shl (local.get $lda) (i32.const 2)) (local.get $trans_a))
          (select (i32.shl (local.get $lda) (i32.const 2)) (i32.const 4) (local.get $trans_a))
          (local.get $b) (local.get $ldb) (local.get $c) (i32.shl (local.get $ldc) (i32.const 2))
          (local.get $n) (local.get $k) (local.get $beta) (local.get $r0) (local.get $r1))))))
