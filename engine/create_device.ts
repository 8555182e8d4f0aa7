import type { Device } from "./device.ts";
import { CpuDevice } from "./cpu_device.ts";
import { WebGpuDevice } from "./webgpu_device.ts";

/**
 * Which backend `--device` asks for.
 *
 * @example
 * ```ts
 * import { createDevice, type DeviceChoice } from "./create_device.ts";
 * const choice: DeviceChoice = "cpu"; // "auto" would take a WebGPU adapter when there is one
 * const device = await createDevice(choice, { threads: 1 });
 * console.assert(device.kind === "cpu");
 * device.destroy();
 * ```
 */
export type DeviceChoice = "auto" | "webgpu" | "cpu";

/**
 * Opens a device. `auto` takes WebGPU on a hardware adapter and otherwise the
 * CPU backend, saying why in one line through `notice`; `webgpu` takes any
 * adapter, the software one included; `cpu` never touches WebGPU.
 *
 * @example
 * ```ts
 * import { createDevice } from "./create_device.ts";
 * const device = await createDevice("auto", { notice: () => {} });
 * console.log(device.kind);
 * device.destroy();
 * ```
 */
export async function createDevice(
  choice: DeviceChoice,
  options: { threads?: number; notice?: (line: string) => void } = {},
): Promise<Device> {
  const notice = options.notice ?? ((line: string) => console.error(line));
  const cpu = () =>
    new CpuDevice({
      notice,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
  if (choice === "cpu") return cpu();
  const gpu = await WebGpuDevice.create();
  if (choice === "webgpu") {
    if (!gpu) {
      throw new Error(
        "--device=webgpu: no WebGPU adapter found (without a GPU, install a software adapter such as Mesa's lavapipe: apt-get install mesa-vulkan-drivers)",
      );
    }
    return gpu;
  }
  if (!gpu) {
    notice("webgnn: no WebGPU adapter found; using the CPU backend");
    return cpu();
  }
  if (gpu.isFallbackAdapter) {
    notice(
      `webgnn: WebGPU adapter is software (${gpu.description}); using the CPU backend, which is faster here`,
    );
    gpu.destroy();
    return cpu();
  }
  return gpu;
}
