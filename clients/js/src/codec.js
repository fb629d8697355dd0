// The two encodings of the volunteer protocol (docs/api.md, "Encoding"). Both take and give the same objects: the
// protobuf JSON mapping of ClientMessage / ServerMessage (lowerCamelCase names, enums by name, 64-bit integers as
// strings, Timestamps as RFC 3339 strings, Durations as "25s"). So code above the codec never knows which is in use.

export const jsonCodec = {
  name: 'json',
  binary: false,
  encode: (message) => JSON.stringify(message),
  decode: (text) => JSON.parse(text),
};

let protobufCodec = null;

// The protobuf codec, loading proto/yihu/v1/*.proto through protobufjs. `protoDir` defaults to the repository's
// proto/ beside this package (Node); pass a URL or path where the files are served otherwise.
export async function loadProtobufCodec({ protoDir } = {}) {
  if (protobufCodec && !protoDir) return protobufCodec;
  const protobuf = (await import('protobufjs')).default;
  installWellKnownWrappers(protobuf);
  const dir = protoDir ?? (await defaultProtoDir());
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    // protobufjs ships google/protobuf/*.proto itself; everything else is under proto/.
    if (target.startsWith('google/protobuf/')) return target;
    return `${dir.replace(/\/$/, '')}/${target}`;
  };
  await root.load(['yihu/v1/volunteer.proto'], { keepCase: false });
  root.resolveAll();
  const clientType = root.lookupType('yihu.v1.ClientMessage');
  const serverType = root.lookupType('yihu.v1.ServerMessage');
  const toObjectOptions = { longs: String, enums: String, defaults: false, json: true };
  const codec = {
    name: 'protobuf',
    binary: true,
    encode: (message) => clientType.encode(clientType.fromObject(toProtobufShape(clientType, message))).finish(),
    decode: (bytes) => stripOneofNames(serverType.toObject(serverType.decode(bytes), toObjectOptions)),
    // For tests and tools that play the server's side.
    encodeServer: (message) => serverType.encode(serverType.fromObject(toProtobufShape(serverType, message))).finish(),
    decodeClient: (bytes) => stripOneofNames(clientType.toObject(clientType.decode(bytes), toObjectOptions)),
  };
  if (!protoDir) protobufCodec = codec;
  return codec;
}

async function defaultProtoDir() {
  const { fileURLToPath } = await import('node:url');
  return fileURLToPath(new URL('../../../proto/', import.meta.url));
}

// toObject with `oneofs` off still adds nothing, but older protobufjs versions add the oneof's name ("body"); the
// JSON mapping has no such field.
function stripOneofNames(object) {
  if (object && typeof object === 'object') delete object.body;
  return object;
}

// A copy of `object` (JSON mapping) in which Timestamps ("2026-01-02T03:04:05Z") and Durations ("25s") are
// {seconds, nanos}, the shape protobufjs's fromObject takes (its generated code refuses a string for a message field
// before any wrapper sees it).
function toProtobufShape(type, object) {
  if (!object || typeof object !== 'object') return object;
  const out = Array.isArray(object) ? [] : {};
  for (const [key, value] of Object.entries(object)) {
    const field = type.fields[key] ?? type.fields[snakeCase(key)];
    const nested = field?.resolvedType;
    if (!nested || !('fields' in nested)) {
      out[key] = value;
    } else if (nested.fullName === '.google.protobuf.Timestamp' && typeof value === 'string') {
      out[key] = timestampParts(value);
    } else if (nested.fullName === '.google.protobuf.Duration' && typeof value === 'string') {
      out[key] = durationParts(value);
    } else if (field.repeated && Array.isArray(value)) {
      out[key] = value.map((item) => toProtobufShape(nested, item));
    } else {
      out[key] = toProtobufShape(nested, value);
    }
  }
  return out;
}

function snakeCase(name) {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function timestampParts(text) {
  const ms = new Date(text).getTime();
  if (Number.isNaN(ms)) throw new TypeError(`not a timestamp: ${text}`);
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
}

function durationParts(text) {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!match) throw new TypeError(`not a duration: ${text}`);
  const sign = match[1] ? -1 : 1;
  const nanos = match[3] ? Number(match[3].padEnd(9, '0')) : 0;
  return { seconds: sign * Number(match[2]), nanos: sign * nanos };
}

// Timestamps and Durations read as the JSON mapping writes them, instead of protobufjs's {seconds, nanos}.
function installWellKnownWrappers(protobuf) {
  if (protobuf.wrappers['.google.protobuf.Timestamp']?.yihu) return;
  protobuf.wrappers['.google.protobuf.Timestamp'] = {
    yihu: true,
    fromObject(value) {
      return this.fromObject(value);
    },
    toObject(message) {
      const ms = Number(message.seconds) * 1000 + Math.floor((message.nanos ?? 0) / 1e6);
      return new Date(ms).toISOString();
    },
  };
  protobuf.wrappers['.google.protobuf.Duration'] = {
    yihu: true,
    fromObject(value) {
      return this.fromObject(value);
    },
    toObject(message) {
      const seconds = Number(message.seconds ?? 0);
      const nanos = Math.abs(message.nanos ?? 0);
      if (!nanos) return `${seconds}s`;
      // As protobuf's own JSON printer: 3, 6 or 9 fractional digits.
      const digits = nanos % 1e6 === 0 ? 3 : nanos % 1e3 === 0 ? 6 : 9;
      return `${seconds}.${String(nanos).padStart(9, '0').slice(0, digits)}s`;
    },
  };
}
