;; The CPU backend's WebAssembly gather_rows (see gather_rows.wgsl) for whole
;; output rows [r0, r1), dim a multiple of 4. Arguments are byte addresses in
;; the device's memory, then the uniforms. Rows whose id is outside [row_begin,
;; row_end) (another chunk's) are left as they are; the others are copied
;; with memory.copy.
(module
  (import "env" "memory" (memory 1 65536 shared))
  (func (export "run")
    (param $table i32) (param $ids i32) (param $out i32) (param $dim i32)
    (param $row_begin i32) (param $row_end i32) (param $r0 i32) (param $r1 i32)
    (local $r i32) (local $id i32) (local $row_bytes i32)
    (local.set $row_bytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $r (local.get $r0))
    (block $rows_done (loop $rows
      (br_if $rows_done (i32.ge_u (local.get $r) (local.get $r1)))
      (local.set $id (i32.load (i32.add (local.get $ids) (i32.shl (local.get $r) (i32.const 2)))))
      (if (i32.and (i32.ge_s (local.get $id) (local.get $row_begin))
          (i32.lt_s (local.get $id) (local.get $row_end))) (then
        ;; One bulk copy per row: V8 runs it as a native memmove, which
        ;; outran a loop of 16-byte loads and stores on random 400-byte rows.
        (memory.copy
          (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $row_bytes)))
          (i32.add (local.get $table)
            (i32.mul (i32.sub (local.get $id) (local.get $row_begin)) (local.get $row_bytes)))
          (local.get $row_bytes))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rows)))))
