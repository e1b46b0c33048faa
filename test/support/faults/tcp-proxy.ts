/**
 * A loopback TCP proxy in front of a server, to make that server unreachable and reachable again on the SAME
 * address without stopping it (its state is kept): `cut()` resets every connection and refuses new ones (a node
 * down), `freeze()` keeps connections open but silent and accepts new ones that never answer (a network
 * partition: packets dropped), `restore()` resets what was frozen and forwards again on the same port.
 */
import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  cut(): Promise<void>;
  freeze(): void;
  restore(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const listen = async (port: number): Promise<Server> => {
    const server = createServer((client) => {
      if (frozen) {
        track(client);
        client.on('error', () => undefined);
        return; // accepted, never forwarded, never answered
      }
      const upstream = createConnection({ host: targetHost, port: targetPort });
      track(client);
      track(upstream);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    return server;
  };
  let server: Server | undefined = await listen(0);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const cut = async () => {
    const closing = server;
    server = undefined;
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    port,
    cut,
    freeze: () => {
      frozen = true;
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
    },
    restore: async () => {
      if (frozen) for (const socket of sockets) socket.resetAndDestroy();
      frozen = false;
      server ??= await listen(port);
    },
    stop: cut,
  };
}
