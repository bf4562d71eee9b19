// Child process for test/scripts/build-package.test.ts: imports the deployed entry point (argv[2])
// under the worker stand-in, then answers over IPC: `metadata` lists the registered functions,
// `invoke` runs an HTTP function with an RpcHttp request as the host sends it and answers the
// RpcHttp response the worker would send back.
import { pathToFileURL } from 'node:url';

await import(pathToFileURL(process.argv[2]).href);
const { registered, programmingModel } = globalThis.workerStandIn;

async function invoke(functionName, http) {
  const found = registered.find((entry) => entry.metadata.name === functionName);
  if (!found) throw new Error(`No function ${functionName} was registered.`);
  const [triggerName] = Object.entries(found.metadata.bindings).find(([, binding]) => binding.type === 'httpTrigger');
  const model = programmingModel().getInvocationModel({
    invocationId: `invocation-of-${functionName}`,
    metadata: found.metadata,
    request: { inputData: [{ name: triggerName, data: { http } }], triggerMetadata: {} },
    state: undefined,
    log() {},
  });
  const { context, inputs } = await model.getArguments();
  const result = await model.invokeFunction(context, inputs, found.callback);
  const response = await model.getResponse(context, result);
  const answer = response.returnValue.http;
  return { status: Number(answer.statusCode), headers: answer.headers, body: Buffer.from(answer.body?.bytes ?? []).toString('utf8') };
}

process.on('message', (message) => {
  const work = message.type === 'metadata' ? Promise.resolve(registered.map((entry) => entry.metadata)) : invoke(message.functionName, message.http);
  work.then(
    (result) => process.send({ id: message.id, result }),
    (error) => process.send({ id: message.id, error: String(error?.stack ?? error) }),
  );
});
process.send({ ready: true });
