const MADV_HUGEPAGE = 14;
const HUGE_PAGE = 2 * 1024 * 1024;

/**
 * Asks Linux to back large shared buffers with 2 MiB pages
 * (`madvise(MADV_HUGEPAGE)` through FFI), before their first touch. Random
 * row reads from a table of hundreds of MB miss the address-translation
 * cache on nearly every row with 4 KiB pages; with 2 MiB pages they mostly
 * hit. Where transparent huge pages are disabled, FFI is not allowed or libc
 * is not found, `open` returns undefined and nothing changes.
 *
 * @example
 * ```ts
 * import { HugePages } from "./huge_pages.ts";
 * const pages = HugePages.open();
 * pages?.advise(new SharedArrayBuffer(64 << 20));
 * pages?.close();
 * ```
 */
export class HugePages {
  private constructor(
    readonly lib: Deno.DynamicLibrary<
      { madvise: { parameters: ["pointer", "usize", "i32"]; result: "i32" } }
    >,
  ) {}

  /** Opens libc's madvise, or undefined when it cannot be used here. */
  static open(): HugePages | undefined {
    try {
      const mode = Deno.readTextFileSync("/sys/kernel/mm/transparent_hugepage/enabled");
      if (mode.includes("[never]")) return undefined;
      return new HugePages(
        Deno.dlopen("libc.so.6", {
          madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
        }),
      );
    } catch {
      return undefined;
    }
  }

  /**
   * Advises the whole 2 MiB-aligned part of `length` bytes of `memory` from
   * `offset` (default: all of it); a refusal is ignored.
   */
  advise(memory: SharedArrayBuffer, offset = 0, length = memory.byteLength - offset): void {
    const start = Deno.UnsafePointer.value(Deno.UnsafePointer.of(new Uint8Array(memory)));
    const base = BigInt(start) + BigInt(offset);
    const end = base + BigInt(length);
    const huge = BigInt(HUGE_PAGE);
    const first = (base + huge - 1n) / huge * huge;
    const last = end / huge * huge;
    if (last <= first) return;
    this.lib.symbols.madvise(Deno.UnsafePointer.create(first), last - first, MADV_HUGEPAGE);
  }

  close(): void {
    this.lib.close();
  }
}
