// yihu's JavaScript client (docs/console.md): ES modules, no build step, Node (with `ws`) and browsers.
export { Backoff } from './backoff.js';
export { jsonCodec, loadProtobufCodec } from './codec.js';
export { ApiError, DispatcherClient, LiveFeed } from './dispatcher_client.js';
export { Emitter } from './emitter.js';
export {
  durationMs,
  LocalStorageResumeStore,
  MemoryResumeStore,
  ProtocolError,
  PUSH_KINDS,
  TERMINAL_ERRORS,
  VolunteerSession,
} from './volunteer_session.js';
