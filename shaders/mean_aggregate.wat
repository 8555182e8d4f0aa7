;; The CPU backend's WebAssembly mean_aggregate (see mean_aggregate.wgsl) for
;; whole destination rows [d0, d1), dim a multiple of 4 (with concat, row d
;; starts with h[self_begin + d]). Arguments are byte addresses in the
;; device's memory, then the uniforms. Each neighbour row is
;; summed 16 columns at a time in four f32x4 accumulators (then 4 at a time),
;; one row after another in edge order, and divided by the degree, as the WGSL
;; does per column.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "run")
    (param $h i32) (param $indptr i32) (param $indices i32) (param $out i32)
    (param $dim i32) (param $concat i32) (param $self_begin i32) (param $d0 i32) (param $d1 i32)
    (local $d i32) (local $b i32) (local $e i32) (local $j i32) (local $c i32)
    (local $o i32) (local $stride i32) (local $row_bytes i32) (local $src i32)
    (local $deg v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $row_bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $stride (select (i32.shl (local.get $row_bytes) (i32.const 1))
      (local.get $row_bytes) (local.get $concat)))
    (local.set $d (local.get $d0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $d) (local.get $d1)))
      (local.set $b (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $d) (i32.const 2)))))
      (local.set $e
        (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $d) (i32.const 2)))))
      ;; The mean's first byte: after h[d] in a concatenated row.
      (local.set $o (i32.add (local.get $out) (i32.mul (local.get $d) (local.get $stride))))
      (if (local.get $concat) (then
        (memory.copy (local.get $o)
          (i32.add (local.get $h)
            (i32.mul (i32.add (local.get $self_begin) (local.get $d)) (local.get $row_bytes)))
          (local.get $row_bytes))
        (local.set $o (i32.add (local.get $o) (local.get $row_bytes)))))
      ;; Sums of no neighbour stay 0 (0 / 1).
      (local.set $deg (f32x4.splat (f32.convert_i32_s
        (select (i32.sub (local.get $e) (local.get $b)) (i32.const 1)
          (i32.gt_s (local.get $e) (local.get $b))))))
      (local.set $c (i32.const 0))
      (block $wide_done (loop $wide
        (br_if $wide_done (i32.gt_u (i32.add (local.get $c) (i32.const 64)) (local.get $row_bytes)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $j (local.get $b))
        (block $edges_done (loop $edges
          (br_if $edges_done (i32.ge_s (local.get $j) (local.get $e)))
          (local.set $src (i32.add (i32.add (local.get $h) (local.get $c))
            (i32.mul (local.get $row_bytes)
              (i32.load (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))))))
          (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $src))))
          (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $src))))
          (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $src))))
          (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $src))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $edges)))
        (local.set $src (i32.add (local.get $o) (local.get $c)))
        (v128.store (local.get $src) (f32x4.div (local.get $a0) (local.get $deg)))
        (v128.store offset=16 (local.get $src) (f32x4.div (local.get $a1) (local.get $deg)))
        (v128.store offset=32 (local.get $src) (f32x4.div (local.get $a2) (local.get $deg)))
        (v128.store offset=48 (local.get $src) (f32x4.div (local.get $a3) (local.get $deg)))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $wide)))
      (block $narrow_done (loop $narrow
        (br_if $narrow_done (i32.ge_u (local.get $c) (local.get $row_bytes)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $j (local.get $b))
        (block $edges_done (loop $edges
          (br_if $edges_done (i32.ge_s (local.get $j) (local.get $e)))
          (local.set $a0 (f32x4.add (local.get $a0) (v128.load (i32.add
            (i32.add (local.get $h) (local.get $c))
            (i32.mul (local.get $row_bytes)
              (i32.load (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $edges)))
        (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.div (local.get $a0) (local.get $deg)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $narrow)))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br $rows)))))
