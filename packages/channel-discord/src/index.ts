// @openclaw/channel-discord is not implemented yet; it has no public API.
export {};
