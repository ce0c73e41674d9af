// A real MQTT broker (aedes, in memory) on loopback: the plant's broker for the gateway tests and
// the demo. It keeps QoS 1 messages for a persistent session while its client is away, as a
// plant broker (Mosquitto, HiveMQ, EMQX) does.
import { createServer, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface MqttBroker {
  /** tcp://127.0.0.1:PORT */
  readonly url: string;
  /** Publishes one message as the plant would (QoS 1). */
  publish(topic: string, payload: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMqttBroker(port = 0): Promise<MqttBroker> {
  const broker = await Aedes.createBroker();
  const server = createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `tcp://127.0.0.1:${bound}`,
    publish: (topic, payload) =>
      new Promise((resolve, reject) =>
        broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false }, (err) => (err ? reject(err) : resolve())),
      ),
    async stop() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
