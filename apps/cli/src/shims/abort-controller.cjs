// Stands in for the `abort-controller` polyfill that grammY's Node build requires. Bundled,
// the polyfill's `AbortSignal` class is renamed (it collides with the global), and
// node-fetch 2, which grammY uses, recognises signals by their constructor's name: every
// Telegram request failed with "Expected signal to be an instanceof AbortSignal". Node's
// own classes are what the polyfill stands in for anyway.
'use strict';
module.exports = globalThis.AbortController;
module.exports.AbortController = globalThis.AbortController;
module.exports.AbortSignal = globalThis.AbortSignal;
module.exports.default = globalThis.AbortController;
