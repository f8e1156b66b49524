export { Peer, RpcError, PeerClosedError, memoryPair } from './peer.js';
export type { Transport, PeerOptions } from './peer.js';
export { lineTransport, MAX_FRAME_BYTES } from './line-transport.js';
