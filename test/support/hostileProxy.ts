import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of forwarding, for requests the script picks. */
export interface ProxyAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** The request reaches the target first (an order is placed), and this answer replaces the target's. */
  afterForwarding?: boolean;
}

/** A reverse proxy on loopback in front of the fake exchange that answers some requests itself, however it likes. */
export interface HostileProxy {
  url: string;
  /** Requests it answered itself (unless `afterForwarding`, they never reached the exchange). */
  answered: number;
  close(): Promise<void>;
}

/**
 * Starts a proxy that forwards every request to `target` unless `script` returns an answer for it — the way a
 * broken or hostile proxy, CDN or relay sends garbage where Binance sends numbers.
 */
export async function hostileProxy(
  target: string,
  script: (req: IncomingMessage) => ProxyAnswer | undefined,
): Promise<HostileProxy> {
  const upstream = new URL(target);
  const state = { answered: 0 };
  const server: Server = createServer((req, res) => {
    const answer = script(req);
    const reply = (a: ProxyAnswer) => {
      state.answered++;
      res.writeHead(a.status, { 'content-length': Buffer.byteLength(a.body), ...a.headers });
      res.end(a.body);
    };
    if (answer && !answer.afterForwarding) {
      req.resume();
      reply(answer);
      return;
    }
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (upstreamRes) => {
        if (answer) {
          upstreamRes.resume();
          upstreamRes.on('end', () => reply(answer));
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get answered() {
      return state.answered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
