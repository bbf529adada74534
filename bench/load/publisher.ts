import mqtt from 'mqtt';
import { childProcessSetup, failStartup, reply } from '../lib/child-side';
import { Pacer } from '../lib/pacer';
import { monotonicMs, telemetryPayload, telemetryTopic } from '../lib/telemetry';
import type { PublisherRequest } from '../lib/protocol';

/**
 * The devices: one MQTT connection publishing the telemetry message at QoS 0 at the
 * rate it is told, round-robin over `devices` device topics (so each device publishes
 * at rate / devices). QoS 0 is what telemetry devices mostly send.
 */

let client: mqtt.MqttClient | null = null;
let devices = 1;

const pacer = new Pacer((seq) => {
  client?.publish(telemetryTopic(seq % devices), telemetryPayload(seq), { qos: 0 });
});

childProcessSetup<PublisherRequest>(async (request) => {
  switch (request.type) {
    case 'connect':
      try {
        client = await mqtt.connectAsync(request.url, { clean: true, reconnectPeriod: 0, connectTimeout: 10_000 });
      } catch (error) {
        failStartup(error);
        return;
      }
      reply({ type: 'ready', pid: process.pid });
      return;
    case 'rate':
      devices = Math.max(1, request.devices);
      pacer.setRate(request.rate);
      return;
    case 'sent':
      reply({ type: 'sent', sent: pacer.sent, at: monotonicMs(), lagging: pacer.lagging });
      return;
    case 'close':
      pacer.stop();
      await client?.endAsync();
      process.exit(0);
  }
});
