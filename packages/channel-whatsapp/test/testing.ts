// What other packages' tests use (`@openclaw/channel-whatsapp/testing`, a source-only entry):
// the registry harness with fake sockets on Baileys' own event emitter.
export { BOT_PHONE, FakeWhatsApp, FakeWhatsAppSocket, boom, incoming } from './fake-whatsapp.ts';
export type { SentMessage } from './fake-whatsapp.ts';
export { linkSession, startHarness } from './harness.ts';
export type { Harness, HarnessOptions } from './harness.ts';
