import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { childProcessSetup, collectGarbage, failStartup, reply } from '../lib/child-side';
import { Pacer } from '../lib/pacer';
import { monotonicMs, telemetryPayload } from '../lib/telemetry';
import type { ServerRequest } from '../lib/protocol';

/**
 * The ceiling of one Node process: a bare `ws` server that serialises each message once
 * and hands that one buffer to every connection. No broker, no rooms, no per-client
 * encoding; the frames are made here, at the rate the orchestrator sets, with the publish
 * time inside, so it is also its own publisher.
 */

const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false, clientTracking: true });

const pacer = new Pacer((seq) => {
  const frame = Buffer.from(telemetryPayload(seq, monotonicMs()));
  for (const socket of wss.clients) socket.send(frame, { binary: false });
});

childProcessSetup<ServerRequest>((request) => {
  switch (request.type) {
    case 'gc':
      collectGarbage();
      return;
    case 'rate':
      pacer.setRate(request.rate);
      return;
    case 'sent':
      reply({ type: 'sent', sent: pacer.sent, at: monotonicMs(), lagging: pacer.lagging });
      return;
    case 'close':
      pacer.stop();
      for (const socket of wss.clients) socket.terminate();
      wss.close();
      httpServer.close();
      process.exit(0);
      return;
    default:
      throw new Error(`the raw ws server does not take '${request.type}'`);
  }
});

httpServer.once('error', (error) => failStartup(error));
httpServer.listen(0, '127.0.0.1', () => {
  reply({ type: 'ready', pid: process.pid, port: (httpServer.address() as AddressInfo).port });
});
