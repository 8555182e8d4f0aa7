import type { Device, DeviceBuffer } from "./device.ts";
import matmulKernel from "./kernels/matmul.ts";

/**
 * Shape and layout of one product `C = op(A) op(B) (+ C)`.
 *
 * @example
 * ```ts
 * import type { MatmulShape } from "./matmul.ts";
 * // The weight gradient of a layer: X^T (k x m stored as rows of X) times dY.
 * const weightGradient: MatmulShape = { m: 200, n: 256, k: 1024, transA: true };
 * ```
 */
export interface MatmulShape {
  /** Rows of `op(A)` and of C. */
  readonly m: number;
  /** Columns of `op(B)` and of C. */
  readonly n: number;
  /** Columns of `op(A)`, rows of `op(B)`. */
  readonly k: number;
  /** Use A transposed: A is stored `k x m`. */
  readonly transA?: boolean;
  /** Use B transposed: B is stored `n x k`. */
  readonly transB?: boolean;
  /** Add to C instead of overwriting it. */
  readonly accumulate?: boolean;
  /** Element offsets of the first element of each operand (default 0). */
  readonly aOffset?: number;
  /** Element offset of B's first element in its buffer (default 0). */
  readonly bOffset?: number;
  /** Element offset of C's first element in its buffer (default 0). */
  readonly cOffset?: number;
}

/**
 * Records the dense product `C = op(A) op(B)` (`+ C` with `accumulate`) on
 * row-major float32 operands, each starting at an element offset inside its
 * buffer with rows packed (leading dimension = its stored column count).
 * Nothing is read back.
 *
 * @example
 * ```ts
 * import { CpuDevice } from "./cpu_device.ts";
 * import { matmul } from "./matmul.ts";
 * const device = new CpuDevice({ threads: 1 });
 * const a = device.createBuffer(8, "a"), b = device.createBuffer(8, "b");
 * const c = device.createBuffer(4, "c");
 * device.write(a, new Float32Array([1, 2]));
 * device.write(b, new Float32Array([3, 4]));
 * matmul(device, a, b, c, { m: 1, n: 1, k: 2 });
 * console.log(await device.read(c, "f32")); // Float32Array [11]
 * device.destroy();
 * ```
 */
export function matmul(
  device: Device,
  a: DeviceBuffer,
  b: DeviceBuffer,
  c: DeviceBuffer,
  shape: MatmulShape,
): void {
  const { m, n, k } = shape;
  for (const [name, v] of [["m", m], ["n", n], ["k", k]] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`matmul: ${name} is ${v}, expected a non-negative integer`);
    }
  }
  const aOff = shape.aOffset ?? 0, bOff = shape.bOffset ?? 0, cOff = shape.cOffset ?? 0;
  need(a, "A", aOff, m * k);
  need(b, "B", bOff, k * n);
  need(c, "C", cOff, m * n);
  if (m === 0 || n === 0) return;
  device.dispatch(matmulKernel, { A: a, B: b, C: c }, {
    m,
    n,
    k,
    trans_a: shape.transA ? 1 : 0,
    trans_b: shape.transB ? 1 : 0,
    lda: Math.max(1, shape.transA ? m : k),
    ldb: Math.max(1, shape.transB ? k : n),
    ldc: n,
    a_off: aOff,
    b_off: bOff,
    c_off: cOff,
    accumulate: shape.accumulate ? 1 : 0,
  });
}

function need(buffer: DeviceBuffer, name: string, offset: number, count: number): void {
  if (!Number.isInteger(offset) || offset < 0 || (offset + count) * 4 > buffer.size) {
    throw new RangeError(
      `matmul: operand ${name} ("${buffer.label}", ${buffer.size} bytes) is too small for ${count} values at offset ${offset}`,
    );
  }
}
