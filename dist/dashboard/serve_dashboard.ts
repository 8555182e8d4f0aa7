import type { Coordinator } from "../cluster/coordinator.ts";
import { ClusterView } from "./cluster_view.ts";
import { dashboardToken, sameToken } from "./dashboard_token.ts";
import { pageHtml } from "./page_html.ts";

/**
 * Options of {@link serveDashboard}.
 *
 * @example
 * ```ts
 * import type { ServeDashboardOptions } from "./serve_dashboard.ts";
 * import { Coordinator } from "../cluster/coordinator.ts";
 * const options: ServeDashboardOptions = {
 *   hostname: "127.0.0.1", port: 0, coordinator: new Coordinator(2),
 *   secret: new TextEncoder().encode("a shared secret"), title: "2 trainers",
 * };
 * ```
 */
export interface ServeDashboardOptions {
  /** The interface to listen on (`--dashboard`'s host): nowhere else. */
  readonly hostname: string;
  /** The port; 0 picks a free one. */
  readonly port: number;
  /** The coordinator whose world the page shows. */
  readonly coordinator: Coordinator;
  /** The cluster secret, from which the access token is derived. */
  readonly secret: Uint8Array;
  /** The page's title. */
  readonly title: string;
  /** Least time between two states sent to a page, in milliseconds; default 250. */
  readonly intervalMs?: number;
}

/**
 * A running dashboard.
 *
 * @example
 * ```ts ignore
 * import type { Dashboard } from "./serve_dashboard.ts";
 * const announce = (d: Dashboard) => console.log(`dashboard at ${d.url}`);
 * ```
 */
export interface Dashboard {
  /** The page's address with its access token, `http://host:port/?token=...`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Closes every page's socket and stops listening. */
  close(): Promise<void>;
}

/**
 * Serves the live page of `coordinator`'s world: `GET /?token=T` is the page,
 * `GET /ws?token=T` its WebSocket, on which the server sends the state after
 * every change (at most one every `intervalMs`) and closes the socket on any
 * message from the browser (the page is read-only). Any request without the
 * token derived from the secret is refused with 403, before anything is read.
 *
 * @example
 * ```ts
 * import { Coordinator } from "../cluster/coordinator.ts";
 * import { serveDashboard } from "./serve_dashboard.ts";
 * const dashboard = await serveDashboard({
 *   hostname: "127.0.0.1", port: 0, coordinator: new Coordinator(1),
 *   secret: new TextEncoder().encode("a shared secret"), title: "one rank",
 * });
 * const refused = await fetch(`http://127.0.0.1:${dashboard.port}/`);
 * await refused.body?.cancel();
 * console.assert(refused.status === 403);
 * await dashboard.close();
 * ```
 */
export async function serveDashboard(options: ServeDashboardOptions): Promise<Dashboard> {
  const token = await dashboardToken(options.secret);
  const view = new ClusterView(options.coordinator, options.title);
  const sockets = new Set<WebSocket>();
  const intervalMs = options.intervalMs ?? 250;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastSent = 0;
  const broadcast = () => {
    timer = undefined;
    lastSent = Date.now();
    const text = JSON.stringify(view.state());
    for (const s of sockets) if (s.readyState === WebSocket.OPEN) s.send(text);
  };
  view.onChange(() => {
    if (sockets.size === 0) return;
    // Once the world ends, every change goes out at once: the process may be gone soon.
    const ending = view.state().shutdown !== null;
    if (timer !== undefined && !ending) return;
    clearTimeout(timer);
    timer = setTimeout(broadcast, ending ? 0 : Math.max(0, lastSent + intervalMs - Date.now()));
  });
  const handler = (request: Request): Response => {
    const url = new URL(request.url);
    if (!sameToken(url.searchParams.get("token"), token)) {
      return new Response("webgnn dashboard: a token is needed (the URL printed at start)\n", {
        status: 403,
      });
    }
    if (request.method !== "GET") {
      return new Response("webgnn dashboard: read-only\n", { status: 405 });
    }
    if (url.pathname === "/ws") {
      if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
        return new Response("webgnn dashboard: expected a WebSocket\n", { status: 426 });
      }
      const { socket, response } = Deno.upgradeWebSocket(request);
      socket.onopen = () => {
        sockets.add(socket);
        socket.send(JSON.stringify(view.state()));
      };
      // Read-only: whatever a page sends is refused by closing its socket.
      socket.onmessage = () => socket.close(1008, "the dashboard is read-only");
      socket.onclose = () => sockets.delete(socket);
      socket.onerror = () => sockets.delete(socket);
      return response;
    }
    if (url.pathname !== "/") return new Response("not found\n", { status: 404 });
    return new Response(pageHtml(view.state()), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "content-security-policy":
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      },
    });
  };
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: () => {},
  }, handler);
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  const port = server.addr.port;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    port,
    close: async () => {
      // A rank that vanished is noticed when its connection drops, which may
      // come just after the world ended: wait for it (1 s at most).
      if (timer !== undefined) {
        clearTimeout(timer);
        broadcast();
      }
      await view.settled(1_000);
      if (view.state().shutdown !== null) {
        view.markSilent("did not leave when the world ended: gone without a word");
      }
      if (timer !== undefined) clearTimeout(timer);
      broadcast(); // the last state (a rank's failure, the shutdown) before the sockets close
      view.close();
      for (const s of sockets) s.close(1001, "the coordinator is closing");
      sockets.clear();
      await server.shutdown();
    },
  };
}
