// Preloaded (node --require) into a process that imports the deployed entry point: stands in for
// the Azure Functions Node.js worker where the app meets it. The worker provides the module
// `@azure/functions-core` by hooking Module.prototype.require (azure-functions-nodejs-worker,
// src/setupCoreModule.ts); this hook provides one that records the programming model and every
// function registered with it, so a test can read the metadata the host would index and invoke a
// function through the library's own invocation model, with the request the host would send.
const Module = require('node:module');

const registered = [];
let programmingModel;

const core = {
  version: 'stand-in',
  hostVersion: 'stand-in',
  setProgrammingModel(model) {
    programmingModel = model;
  },
  getProgrammingModel() {
    return programmingModel;
  },
  registerFunction(metadata, callback) {
    registered.push({ metadata, callback });
    return { dispose() {} };
  },
  registerHook() {
    return { dispose() {} };
  },
  log() {},
};

const originalRequire = Module.prototype.require;
Module.prototype.require = function require(id, ...rest) {
  return id === '@azure/functions-core' ? core : originalRequire.call(this, id, ...rest);
};

globalThis.workerStandIn = {
  registered,
  programmingModel: () => programmingModel,
};
