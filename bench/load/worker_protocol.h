#pragma once

// The lines the coordinator and its phone workers exchange (one command, one reply; "progress" lines in between).
//
//   connect <yihu|node|raw> <port> <first_index> <count> <total> <raw_size>
//       -> connected <ok> <failed> <first_ns> <last_ns>        (first and last handshake completed)
//   stats <key>   -> stats <count> <first_ns> <last_ns> <dups> <payload_bytes>
//       keys: "a:<alert id>" an Alert push, "c:<alert id>" an AlertClosed push, "b<n>" a broadcast (node, raw);
//       count: phones that got it at least once; dups: further copies (a retry, a second push)
//   positions <per_second> <duration_ms>   -> positions_done <sent>     ("stop" ends it early)
//   counts -> counts <open> <closed_by_peer> <errors> <pushes> <acks>
//   close  -> closed          (every socket reset: no TIME_WAIT left behind)
//   quit   (no reply)
//   unsolicited: progress <connected> <positions_sent>

namespace yihu::bench::load {
inline constexpr long long kProgressEveryMs = 500;
}
