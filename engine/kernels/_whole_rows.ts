/**
 * The rows `[first, end)` that invocations `[begin, end)` cover when each
 * row is `width` invocations, or undefined when the range splits a row or
 * `width` is not a multiple of 4: the WebAssembly kernels take whole rows
 * of f32x4 columns, and leave other calls to the TypeScript ones.
 */
export function wholeRows(begin: number, end: number, width: number): [number, number] | undefined {
  if (width % 4 !== 0 || begin % width !== 0 || end % width !== 0) return undefined;
  return [begin / width, end / width];
}
