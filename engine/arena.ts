const PAGE = 65536;
/** The most a 32-bit WebAssembly memory can address: 65536 pages of 64 KiB. */
const MAX_BYTES = 2 ** 32;
/** Blocks of this size and more start on a 2 MiB boundary, so huge pages can back them whole. */
const HUGE_ALIGN_MIN = 32 << 20;
const HUGE_ALIGN = 2 << 20;
const LINE = 64;

/**
 * The CPU backend's buffers in ONE shared WebAssembly memory, so that its
 * WebAssembly kernels can address every binding of a dispatch (a module sees
 * only the memory it was instantiated with) while its TypeScript kernels and
 * Workers keep viewing them as a SharedArrayBuffer. Blocks are carved from
 * the top, which grows the memory as needed, and kept on free lists by
 * capacity when released; `allocate` returns undefined when the memory would
 * pass `maxBytes` (at most 4 GiB), and the device then falls back to a
 * SharedArrayBuffer of its own for that buffer.
 *
 * @example
 * ```ts
 * import { Arena } from "./arena.ts";
 * const arena = new Arena(1 << 20);
 * const block = arena.allocate(1024)!;
 * new Float32Array(arena.buffer, block.offset, 256).fill(1);
 * arena.free(block.offset, block.capacity);
 * console.log(arena.allocate(1024)!.offset === block.offset); // true
 * console.log(arena.allocate(2 << 20)); // undefined: past maxBytes
 * ```
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly maxBytes: number;
  readonly #free = new Map<number, number[]>();
  #top = 0;

  constructor(maxBytes = MAX_BYTES) {
    this.maxBytes = Math.min(MAX_BYTES, Math.floor(maxBytes / PAGE) * PAGE);
    this.memory = new WebAssembly.Memory({
      initial: 1,
      maximum: this.maxBytes / PAGE,
      shared: true,
    });
  }

  /** The whole memory as it is now (a new object after the memory grows; old views stay valid). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as SharedArrayBuffer;
  }

  /**
   * A block of at least `capacity` bytes (a multiple of 16): from the free
   * list of that capacity, else carved from the top, else (the memory full)
   * the smallest free block of up to twice that capacity; undefined when
   * there is none. A reused block holds what its last owner left in it;
   * release it with the capacity returned.
   */
  allocate(capacity: number): { offset: number; capacity: number } | undefined {
    const reused = this.#free.get(capacity)?.pop();
    if (reused !== undefined) return { offset: reused, capacity };
    const align = capacity >= HUGE_ALIGN_MIN ? HUGE_ALIGN : LINE;
    const at = Math.ceil(this.#top / align) * align;
    if (at + capacity <= this.maxBytes && this.#grow(at + capacity)) {
      this.#top = at + capacity;
      return { offset: at, capacity };
    }
    let best: number | undefined;
    for (const [size, list] of this.#free) {
      const fits = list.length > 0 && size > capacity && size <= 2 * capacity;
      if (fits && (best === undefined || size < best)) best = size;
    }
    return best === undefined
      ? undefined
      : { offset: this.#free.get(best)!.pop()!, capacity: best };
  }

  /** Grows the memory to hold `top` bytes; false when the system refuses. */
  #grow(top: number): boolean {
    const pages = Math.ceil(top / PAGE) - this.buffer.byteLength / PAGE;
    if (pages <= 0) return true;
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  /** Returns a block from `allocate` with its capacity, for reuse. */
  free(offset: number, capacity: number): void {
    const list = this.#free.get(capacity);
    if (list) list.push(offset);
    else this.#free.set(capacity, [offset]);
  }
}
