import { createServer, type AddressInfo, type Server } from 'node:net';
import Aedes from 'aedes';
import { timingSafeEqual } from 'node:crypto';

export interface EmbeddedBrokerOptions {
  host: string;
  port: number;
  /** When set, clients must present these credentials. */
  credentials: { username: string; password: string } | null;
  /** Told about every publish the broker refuses (the publisher is then disconnected). */
  onRefusedPublish?: (topic: string, payload: Buffer, message: string) => void;
}

/**
 * A topic with an empty level (`sensors//data`) matches `sensors/+/data` by the letter of
 * MQTT, but aedes drops the subscriber's connection when it delivers one. Such a topic is
 * never a valid route, so the broker refuses it at the door instead.
 */
function refusalOf(topic: string): string | null {
  if (topic.split('/').some((level) => level.length === 0)) return 'topic has an empty level';
  return null;
}

/** A message as the gateway takes it: the topic and the payload's bytes. */
export type MessageHandler = (topic: string, payload: Buffer) => void;

/** MQTT-4.7.2-1: a filter that starts with a wildcard does not match a topic starting with `$` (`$SYS/…`). */
export function reachesFilter(topic: string, filter: string): boolean {
  return !topic.startsWith('$') || !(filter.startsWith('#') || filter.startsWith('+'));
}

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  /**
   * Hands every message published to a topic matching `filter` to `onMessage`, in the
   * broker's own process: no client connection, no second encoding, no extra event-loop turn.
   * As for any MQTT subscription, a filter starting with a wildcard does not match `$` topics.
   */
  subscribe(filter: string, onMessage: MessageHandler): Promise<void>;
  close(): Promise<void>;
}

/** Start-up refused because the embedded broker's port is held by another process. */
export class BrokerPortInUseError extends Error {
  readonly code = 'MQTT_PORT_IN_USE' as const;

  constructor(host: string, port: number) {
    super(
      `MQTT_EMBEDDED_PORT ${port} is already in use on ${host}: another MQTT broker is probably running there. ` +
        `To use it, set MQTT_URL=mqtt://127.0.0.1:${port}; or set MQTT_EMBEDDED_PORT to a free port.`,
    );
    this.name = 'BrokerPortInUseError';
  }
}

function sameSecret(given: Buffer | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * An aedes broker in the gateway's own process, so `npm start` needs no external
 * service and simulators have somewhere to publish. Its sessions live in memory:
 * they do not outlive the process (use an external broker for that).
 */
export function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = new Aedes();
  const { credentials } = options;
  if (credentials !== null) {
    broker.authenticate = (_client, username, password, done) => {
      const ok = username === credentials.username && sameSecret(password, credentials.password);
      done(null, ok);
    };
  }
  broker.authorizePublish = (client, packet, done) => {
    const refusal = client === null ? null : refusalOf(packet.topic);
    if (refusal === null) {
      done(null);
      return;
    }
    options.onRefusedPublish?.(packet.topic, Buffer.from(packet.payload), `the embedded broker refused it: ${refusal}`);
    done(new Error(refusal));
  };
  const server: Server = createServer(broker.handle);

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      broker.close();
      reject(error.code === 'EADDRINUSE' ? new BrokerPortInUseError(options.host, options.port) : error);
    });
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
      resolve({
        url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        subscribe: (filter, onMessage) =>
          new Promise<void>((done) => {
            broker.subscribe(
              filter,
              (packet, delivered) => {
                try {
                  if (reachesFilter(packet.topic, filter)) {
                    const { payload } = packet;
                    onMessage(packet.topic, typeof payload === 'string' ? Buffer.from(payload) : payload);
                  }
                } finally {
                  delivered();
                }
              },
              done,
            );
          }),
        close: () =>
          new Promise<void>((done) => {
            // aedes closes its client connections first, so the listener can then close.
            broker.close(() => server.close(() => done()));
          }),
      });
    });
  });
}
