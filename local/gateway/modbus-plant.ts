// A real Modbus TCP server (modbus-serial's ServerTCP) holding plant values in holding registers,
// as a power meter or PLC does: each signal is an IEEE 754 float in two 16-bit registers,
// big-endian (word order ABCD), at the addresses gateway/telegraf/modbus.conf reads.
import { once } from 'node:events';
import ModbusRTU from 'modbus-serial';

export interface ModbusPlant {
  /** tcp://127.0.0.1:PORT */
  readonly controller: string;
  set(tag: string, value: number): void;
  stop(): Promise<void>;
}

export async function startModbusPlant(options: { port: number; registers: Readonly<Record<string, number>> }): Promise<ModbusPlant> {
  const words = new Uint16Array(Math.max(...Object.values(options.registers)) + 2);
  const server = new ModbusRTU.ServerTCP(
    {
      getHoldingRegister: (addr: number) => {
        if (addr >= words.length) throw Object.assign(new Error('illegal data address'), { modbusErrorCode: 0x02 });
        return words[addr]!;
      },
    },
    { host: '127.0.0.1', port: options.port, unitID: 1 },
  );
  await once(server, 'initialized');
  return {
    controller: `tcp://127.0.0.1:${options.port}`,
    set(tag, value) {
      const addr = options.registers[tag];
      if (addr === undefined) throw new Error(`the Modbus stand-in has no register for ${tag}`);
      const view = new DataView(new ArrayBuffer(4));
      view.setFloat32(0, value, false);
      words[addr] = view.getUint16(0, false);
      words[addr + 1] = view.getUint16(2, false);
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
