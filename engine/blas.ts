/**
 * The row-major single-precision product `cblas_sgemm` computes, with its operands as views.
 *
 * @example
 * ```ts
 * import type { SgemmArgs } from "./blas.ts";
 * // [1 2] times the column [3 4], into c: 11.
 * const product: SgemmArgs = {
 *   transA: false, transB: false, m: 1, n: 1, k: 2,
 *   a: new Float32Array([1, 2]), lda: 2, b: new Float32Array([3, 4]), ldb: 1,
 *   c: new Float32Array(1), ldc: 1, beta: 0,
 * };
 * ```
 */
export interface SgemmArgs {
  /** Use A transposed: A is stored `k x m` (rows `lda` apart) and read as its transpose. */
  readonly transA: boolean;
  /** Use B transposed: B is stored `n x k` (rows `ldb` apart) and read as its transpose. */
  readonly transB: boolean;
  /** Rows of `op(A)` and of C. */
  readonly m: number;
  /** Columns of `op(B)` and of C. */
  readonly n: number;
  /** Columns of `op(A)`, rows of `op(B)`. */
  readonly k: number;
  /** `op(A)` is `m x k`; `a` starts at its first element, rows `lda` apart. */
  readonly a: Float32Array;
  /**
   * Elements between the starts of consecutive stored rows of A (at least its stored row length).
   */
  readonly lda: number;
  /** `op(B)` is `k x n`; `b` starts at its first element, rows `ldb` apart. */
  readonly b: Float32Array;
  /** Elements between the starts of consecutive stored rows of B. */
  readonly ldb: number;
  /** C, `m x n`, written in place; `c` starts at its first element, rows `ldc` apart. */
  readonly c: Float32Array;
  /** Elements between the starts of consecutive rows of C (at least `n`). */
  readonly ldc: number;
  /** `C = op(A) op(B) + beta C`; 0 overwrites, 1 accumulates. */
  readonly beta: number;
}

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;
const SYMBOLS = {
  cblas_sgemm: {
    parameters: [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "f32",
      "buffer",
      "i32",
      "buffer",
      "i32",
      "f32",
      "buffer",
      "i32",
    ],
    result: "void",
  },
} as const;

/**
 * The system's OpenBLAS, opened through Deno's FFI (`--allow-ffi`), for the
 * CPU backend's dense products. `Blas.open()` returns undefined, and says so
 * in one line through `notice`, when the library or the permission is
 * missing, so that callers fall back to their own product (WebAssembly
 * SIMD, else a TypeScript loop). The library opened is `path`, else the
 * environment's `WEBGNN_OPENBLAS` (a file name or path; one that does not
 * load, such as `none`, runs as on a machine without OpenBLAS), else
 * `libopenblas.so.0`.
 *
 * @example
 * ```ts
 * import { Blas } from "./blas.ts";
 * const blas = Blas.open(() => {});
 * if (blas) {
 *   const c = new Float32Array(1);
 *   blas.sgemm({
 *     transA: false, transB: false, m: 1, n: 1, k: 2, a: new Float32Array([1, 2]), lda: 2,
 *     b: new Float32Array([3, 4]), ldb: 1, c, ldc: 1, beta: 0,
 *   });
 *   console.log(c[0]); // 11
 *   blas.close();
 * }
 * ```
 */
export class Blas {
  readonly #lib: Deno.DynamicLibrary<typeof SYMBOLS>;

  private constructor(lib: Deno.DynamicLibrary<typeof SYMBOLS>, readonly path: string) {
    this.#lib = lib;
  }

  /** Opens `path` (see above); undefined with a one-line notice when it cannot. */
  static open(
    notice: (line: string) => void = (line) => console.error(line),
    path = libraryPath(),
  ): Blas | undefined {
    quietThreads();
    try {
      return new Blas(Deno.dlopen(path, SYMBOLS), path);
    } catch (err) {
      const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
      notice(
        `webgnn: ${path} not available (${why}); dense products on the CPU use webgnn's own product (about 3x slower; apt-get install libopenblas0)`,
      );
      return undefined;
    }
  }

  /** Runs `C = op(A) op(B) + beta C` on the calling thread (OpenBLAS uses its own threads). */
  sgemm(x: SgemmArgs): void {
    if (x.m === 0 || x.n === 0) return;
    this.#lib.symbols.cblas_sgemm(
      ROW_MAJOR,
      x.transA ? TRANS : NO_TRANS,
      x.transB ? TRANS : NO_TRANS,
      x.m,
      x.n,
      x.k,
      1,
      x.a as Float32Array<ArrayBuffer>,
      x.lda,
      x.b as Float32Array<ArrayBuffer>,
      x.ldb,
      x.beta,
      x.c as Float32Array<ArrayBuffer>,
      x.ldc,
    );
  }

  /** Unloads the library. */
  close(): void {
    this.#lib.close();
  }
}

/** `WEBGNN_OPENBLAS` when set (and readable), else the Debian package's library. */
function libraryPath(): string {
  try {
    return Deno.env.get(LIBRARY_VAR) || DEFAULT_LIBRARY;
  } catch {
    return DEFAULT_LIBRARY; // no --allow-env
  }
}

const LIBRARY_VAR = "WEBGNN_OPENBLAS";
const DEFAULT_LIBRARY = "libopenblas.so.0";

/**
 * OpenBLAS's worker threads spin for 2^28 cycles (about 0.1 s) after every
 * call before they sleep, and the variable that shortens it is read only when
 * the library loads. On a machine with few cores that spinning takes a core
 * away from the kernels that run between two products (on 2 cores every
 * product left about 70 ms of spinning behind it); 2^4 cycles makes the
 * threads sleep at once, and waking them for the next product costs
 * microseconds. A value the user set is kept; without permission to set the
 * environment nothing changes.
 */
function quietThreads(): void {
  try {
    if (Deno.env.get(THREAD_TIMEOUT_VAR) === undefined) Deno.env.set(THREAD_TIMEOUT_VAR, "4");
  } catch {
    // No --allow-env: OpenBLAS keeps its default.
  }
}

const THREAD_TIMEOUT_VAR = "OPENBLAS_THREAD_TIMEOUT";
