// Tests that need a part of the system that Deno does not bring (sshd,
// OpenBLAS, a WebGPU adapter, Slurm, Chromium): where the part is missing they are
// registered as ignored, and one line per part says what is missing and which
// Debian package brings it. With WEBGNN_REQUIRE_ALL=1 (as .ci/run sets it) a
// missing part fails the tests that need it instead.
import { Blas } from "../engine/blas.ts";
import { ensureRuntimeDir } from "../engine/ensure_runtime_dir.ts";
import { chromiumPath } from "../cli/headless_chromium.ts";

/** A system part some tests need, with the Debian package that brings it. */
export type SystemPart = "sshd" | "ssh" | "openblas" | "webgpu" | "slurm" | "chromium";

/** What each part is called in the reason line, and its Debian package. */
export const SYSTEM_PARTS: Readonly<Record<SystemPart, { what: string; debian: string }>> = {
  sshd: { what: "an ssh server (sshd on PATH)", debian: "openssh-server" },
  ssh: { what: "an ssh client (ssh and ssh-keygen on PATH)", debian: "openssh-client" },
  openblas: { what: "OpenBLAS (libopenblas.so.0)", debian: "libopenblas0" },
  webgpu: { what: "a WebGPU adapter", debian: "mesa-vulkan-drivers" },
  slurm: {
    what:
      "Slurm and munge (srun, scontrol, sinfo, slurmctld, slurmd and munged on PATH, run as root)",
    debian: "slurm-wlm munge",
  },
  chromium: { what: "a headless Chromium (chromium on PATH)", debian: "chromium" },
};

/** The variable under which a missing part fails its tests instead of skipping them. */
export const REQUIRE_ALL_VAR = "WEBGNN_REQUIRE_ALL";

/** Whether a missing part is a failure (`WEBGNN_REQUIRE_ALL=1`). */
export function requireAll(): boolean {
  const v = Deno.env.get(REQUIRE_ALL_VAR) ?? "";
  return v !== "" && v !== "0" && v !== "false";
}

/** The absolute path of `command` found on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const path = `${dir}/${command}`;
    try {
      const info = Deno.statSync(path);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return path;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

async function present(part: SystemPart): Promise<boolean> {
  switch (part) {
    case "sshd":
      return findOnPath("sshd") !== undefined;
    case "ssh":
      return findOnPath("ssh") !== undefined && findOnPath("ssh-keygen") !== undefined;
    case "openblas": {
      const blas = Blas.open(() => {});
      blas?.close();
      return blas !== undefined;
    }
    case "webgpu":
      ensureRuntimeDir();
      return (await navigator.gpu?.requestAdapter()) != null;
    case "slurm":
      // The test's slurmd and slurmctld run as root (SlurmUser=root), as CI does.
      return Deno.uid() === 0 &&
        ["srun", "scontrol", "sinfo", "slurmctld", "slurmd", "munged"]
          .every((c) => findOnPath(c) !== undefined);
    case "chromium":
      return chromiumPath() !== undefined;
  }
}

const probed = new Map<SystemPart, Promise<boolean>>();

/**
 * Whether `part` is missing. The first test module of a run that finds it
 * missing prints the reason line; the run's modules share the process's
 * environment, so the line appears once however many modules ask.
 */
export async function missing(part: SystemPart): Promise<boolean> {
  let p = probed.get(part);
  if (!p) probed.set(part, p = present(part));
  if (await p) return false;
  const noted = `WEBGNN_MISSING_NOTED_${part.toUpperCase()}`;
  if (Deno.env.get(noted) === undefined) {
    Deno.env.set(noted, "1");
    console.error(reasonLine(part));
  }
  return true;
}

/** The line that says `part` is missing: "skipped: tests that need X: not found (Debian package Y)". */
export function reasonLine(part: SystemPart): string {
  const { what, debian } = SYSTEM_PARTS[part];
  return requireAll()
    ? `missing: ${what} (Debian package ${debian}); ${REQUIRE_ALL_VAR} makes its tests fail`
    : `skipped: tests that need ${what}: not found (Debian package ${debian})`;
}

/**
 * Registers a test that needs `parts`: ignored when one is missing, or, with
 * `WEBGNN_REQUIRE_ALL=1`, run as a failure that names the missing part.
 */
export async function testNeeding(
  parts: readonly SystemPart[],
  name: string,
  fn: () => Promise<void> | void,
): Promise<void> {
  const lacking: SystemPart[] = [];
  for (const part of parts) if (await missing(part)) lacking.push(part);
  if (lacking.length === 0) {
    Deno.test(name, fn);
  } else if (requireAll()) {
    Deno.test(name, () => {
      throw new Error(lacking.map(reasonLine).join("; "));
    });
  } else {
    Deno.test({ name, ignore: true, fn });
  }
}
