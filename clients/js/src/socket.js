// The WebSocket constructor: the browser's own, or the `ws` package in Node (imported only there, so that browsers
// never see a bare module specifier).
export async function webSocketClass(explicit) {
  if (explicit) return explicit;
  if (typeof globalThis.WebSocket === 'function') return globalThis.WebSocket;
  const module = await import('ws');
  return module.WebSocket ?? module.default;
}

// Text of a message event's data: a string in browsers and for `ws` text frames in Node.
export function isText(data) {
  return typeof data === 'string';
}

// Bytes of a binary message event's data (ArrayBuffer in browsers with binaryType 'arraybuffer', Buffer in Node).
export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  throw new TypeError('unexpected WebSocket message data');
}
