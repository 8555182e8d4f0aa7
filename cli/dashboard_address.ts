import { InvalidArgumentError } from "commander";

/** Where `--dashboard` listens. */
export interface DashboardAddress {
  readonly hostname: string;
  /** 0 picks a free port (the URL printed at start names it). */
  readonly port: number;
}

/**
 * Parses `--dashboard=HOST:PORT` (`[v6]:PORT` for IPv6; port 0 picks a free one).
 *
 * @example
 * ```ts
 * import { dashboardAddress } from "./dashboard_address.ts";
 * console.log(dashboardAddress("0.0.0.0:8080")); // { hostname: "0.0.0.0", port: 8080 }
 * ```
 */
export function dashboardAddress(text: string): DashboardAddress {
  const m = text.match(/^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d+)$/);
  const port = Number(m?.[3]);
  if (!m || port > 65535) {
    throw new InvalidArgumentError(`expected HOST:PORT (port 0 to 65535), got "${text}"`);
  }
  return { hostname: m[1] ?? m[2]!, port };
}
