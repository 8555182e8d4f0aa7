// Helpers shared by the server and client processes of server-client mode.

/** `host:port`, with brackets around an IPv6 host. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `p`, or a rejection saying why the world shut down if `signal` fires first. */
export function untilShutdown<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  const why = () =>
    new Error(
      `the cluster shut down: ${
        signal.reason instanceof Error ? signal.reason.message : String(signal.reason)
      }`,
    );
  if (signal.aborted) return Promise.reject(why());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(why());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
