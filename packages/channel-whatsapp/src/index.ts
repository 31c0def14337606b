// @openclaw/channel-whatsapp is not implemented yet; it has no public API.
export {};
