#!/usr/bin/env bash
# Writes the seed corpora under fuzz/corpus/ (checked in; rerun after a protocol change). Binary protobuf seeds come
# from `protoc --encode`, the token seeds are HS256 JWTs signed with the fuzzers' secret ("fuzz-secret") and valid at
# their fixed clock (2026-01-01T00:00:00Z, see fuzz_support.h).
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus
# Only the corpora written here: fuzz/corpus/cap/ holds hand-written CAP documents and is left alone.
rm -rf "$out"/{volunteer_envelope,dispatcher_json,http_request,token,polygon}
mkdir -p "$out"/{volunteer_envelope,dispatcher_json,http_request,token,polygon}

jwt() {  # payload JSON -> token
  python3 - "$1" <<'PY'
import base64, hashlib, hmac, sys
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
signing = b64(b'{"alg":"HS256","typ":"JWT"}') + "." + b64(sys.argv[1].encode())
print(signing + "." + b64(hmac.new(b"fuzz-secret", signing.encode(), hashlib.sha256).digest()), end="")
PY
}
now=1767225600
token=$(jwt "{\"sub\":\"v-fuzz\",\"role\":\"volunteer\",\"tier\":\"registered\",\"skills\":[\"swimmer\"],\"iat\":$now,\"exp\":$((now + 3600))}")
dispatcher=$(jwt "{\"sub\":\"d-1\",\"role\":\"dispatcher\",\"exp\":$((now + 3600)),\"aud\":[\"console\",\"yihu\"]}")

# Volunteer frames: first byte 1 = binary protobuf, 0 = JSON text.
encode() { protoc -Iproto --encode=yihu.v1.ClientMessage proto/yihu/v1/volunteer.proto; }
n=0
while IFS= read -r text; do
  n=$((n + 1))
  { printf '\x01'; printf '%s' "$text" | encode; } >"$out/volunteer_envelope/binary-$n"
done <<EOT
request_id: 1 hello { token: "$token" protocol_version: 1 availability: AVAILABILITY_ON_DUTY position { location { latitude: 22.93 longitude: 113.89 } accuracy_m: 8 } }
position { position { location { latitude: 22.931 longitude: 113.891 } accuracy_m: 12 } }
request_id: 2 respond { alert_id: "dongguan-1" kind: RESPONSE_KIND_ACCEPT }
request_id: 3 sighting { alert_id: "dongguan-1" position { location { latitude: 22.94 longitude: 113.9 } } text: "blue jacket" }
ack { seq: 7 }
request_id: 4 ping { }
request_id: 5 availability { availability: AVAILABILITY_OFF_DUTY }
request_id: 6 skills { skills: "swimmer" }
EOT
n=0
while IFS= read -r text; do
  n=$((n + 1))
  { printf '\x00'; printf '%s' "$text"; } >"$out/volunteer_envelope/json-$n"
done <<EOT
{"requestId":"1","hello":{"token":"$token","protocolVersion":1,"availability":"AVAILABILITY_ON_DUTY","position":{"location":{"latitude":22.931,"longitude":113.891},"accuracyM":8}}}
{"requestId":"2","respond":{"alertId":"dongguan-1","kind":"RESPONSE_KIND_ACCEPT"}}
{"ack":{"seq":"2"}}
{"position":{"position":{"location":{"latitude":22.93,"longitude":113.89},"accuracyM":5}}}
{"requestId":"9","ping":{}}
EOT

# Dispatcher bodies: first byte picks the message (0 create, 1 update, 2 resolve, 3 cancel, 4 device, 5 trigger).
body() { { printf "\\x0$1"; printf '%s' "$2"; } >"$out/dispatcher_json/$3"; }
body 0 '{"kind":"ALERT_KIND_DROWNING","center":{"latitude":22.93,"longitude":113.89},"title":"Drowning","respondersWanted":3,"idempotencyKey":"k-1"}' create-drowning
body 0 '{"kind":"ALERT_KIND_DISASTER","center":{"latitude":23.0,"longitude":113.7},"title":"Flooding","area":{"polygon":{"ring":[{"latitude":22.99,"longitude":113.69},{"latitude":23.01,"longitude":113.69},{"latitude":23.01,"longitude":113.72},{"latitude":22.99,"longitude":113.69}]}}}' create-polygon
body 0 '{"kind":"ALERT_KIND_MISSING_PERSON","center":{"latitude":23.02,"longitude":113.75},"title":"Mr Zhang","photoUrl":"https://example.org/z.jpg","requiredSkills":["swimmer"],"policy":{"rings":[{"after":"0s","radiusM":2000},{"after":"3600s","radiusM":5000}]}}' create-missing
body 1 '{"description":"child in a red life jacket","expectedVersion":"2"}' update
body 2 '{"found":true,"message":"Rescued. Thank you all."}' resolve
body 3 '{"reason":"false alarm"}' cancel
body 4 '{"name":"Hut 12","position":{"location":{"latitude":22.93,"longitude":113.89}},"policy":{"alertKind":"ALERT_KIND_DROWNING","respondersWanted":3}}' device
body 4 '{"name":"Bracelet: Mr Zhang, 81","position":{"location":{"latitude":22.94,"longitude":113.88}},"kind":"DEVICE_KIND_BRACELET","policy":{"alertKind":"ALERT_KIND_MISSING_PERSON","title":"Missing: {name}","requiredSkills":["swimmer"],"teams":["north"],"respondersWanted":4,"autoCreate":true}}' device-policy
body 5 '{"kind":"DEVICE_TRIGGER_KIND_DOOR_OPENED"}' trigger
body 5 '{"deviceId":"bracelet-7","kind":"DEVICE_TRIGGER_KIND_SOS","details":{"battery":"14%","fall":"no"},"position":{"location":{"latitude":22.94,"longitude":113.88}}}' trigger-details

# HTTP requests as they arrive on the socket.
printf 'GET /v1/alerts?states=ALERT_STATE_ACTIVE&pageSize=50 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$dispatcher" >"$out/http_request/list"
printf 'POST /v1/alerts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{"title":"a"}' >"$out/http_request/post"
printf 'GET /v1/volunteer HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n' >"$out/http_request/upgrade"
printf 'POST /v1/alerts/dongguan-1:resolve HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"fou\r\n0\r\n\r\nGET /v1/feed?alertIds=a,b&access_token=t HTTP/1.1\r\nHost: x\r\n\r\n' >"$out/http_request/chunked-pipelined"
printf 'GET /v1/devices/hut%%2012 HTTP/1.0\r\n\r\n' >"$out/http_request/percent"

# Tokens.
printf '%s' "$token" >"$out/token/volunteer"
printf '%s' "$dispatcher" >"$out/token/dispatcher-aud-array"
printf '%s' "$(jwt '{"sub":"x","role":"peer","exp":1}')" >"$out/token/expired"
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' >"$out/token/alg-none"
printf 'AAA' >"$out/token/base64"

# Areas (binary v1::Area).
area() { printf '%s' "$1" | protoc -Iproto --encode=yihu.v1.Area proto/yihu/v1/common.proto >"$out/polygon/$2"; }
area 'circle { center { latitude: 22.93 longitude: 113.89 } radius_m: 1500 }' circle
area 'polygon { ring { latitude: 22.99 longitude: 113.69 } ring { latitude: 23.01 longitude: 113.69 } ring { latitude: 23.01 longitude: 113.72 } ring { latitude: 22.99 longitude: 113.69 } }' triangle
area 'polygon { ring { latitude: -16 longitude: 179 } ring { latitude: -16 longitude: -179 } ring { latitude: -18 longitude: -179 } ring { latitude: -18 longitude: 179 } ring { latitude: -16 longitude: 179 } }' antimeridian
area 'polygon { ring { latitude: 89 longitude: 0 } ring { latitude: 89 longitude: 120 } ring { latitude: 89 longitude: -120 } ring { latitude: 89 longitude: 0 } }' pole
echo "seeds: $(find "$out" -type f | wc -l) files under $out"
