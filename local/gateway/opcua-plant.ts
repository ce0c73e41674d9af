// A real OPC UA server (node-opcua) serving plant signals as variables ns=1;s=<KKS code>: what a
// PLC or SCADA server looks like to the gateway. Values are set from outside (the live plant) with
// their source time and an OPC UA StatusCode, so Telegraf reads them as a plant's would be read.
import { DataType, OPCUAServer, StatusCodes, Variant, type UAVariable } from 'node-opcua';
import type { Quality } from '../../functions/core/index.ts';

export interface OpcUaPlant {
  /** opc.tcp://127.0.0.1:PORT */
  readonly endpoint: string;
  set(tag: string, value: number, quality: Quality, at: Date): void;
  stop(): Promise<void>;
}

const STATUS = { good: StatusCodes.Good, uncertain: StatusCodes.UncertainLastUsableValue, bad: StatusCodes.BadSensorFailure };

export async function startOpcUaPlant(options: { port: number; tags: readonly string[] }): Promise<OpcUaPlant> {
  const server = new OPCUAServer({
    port: options.port,
    hostname: '127.0.0.1',
    allowAnonymous: true,
    buildInfo: { productName: 'plantlake plant stand-in' },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace!;
  const ns = addressSpace.getOwnNamespace();
  const folder = ns.addFolder(addressSpace.rootFolder.objects, { browseName: 'Plant' });
  const variables = new Map<string, UAVariable>();
  for (const tag of options.tags) {
    const v = ns.addVariable({ componentOf: folder, browseName: tag, nodeId: `s=${tag}`, dataType: 'Double' });
    v.setValueFromSource(new Variant({ dataType: DataType.Double, value: 0 }), StatusCodes.BadWaitingForInitialData, new Date());
    variables.set(tag, v);
  }
  await server.start();
  return {
    endpoint: `opc.tcp://127.0.0.1:${options.port}`,
    set(tag, value, quality, at) {
      const v = variables.get(tag);
      if (v === undefined) throw new Error(`the OPC UA stand-in serves no node for ${tag}`);
      v.setValueFromSource(new Variant({ dataType: DataType.Double, value }), STATUS[quality], at);
    },
    stop: () => server.shutdown(0),
  };
}
