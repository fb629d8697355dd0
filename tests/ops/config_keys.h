#pragma once

namespace yihu::ops {

// Every key of the configuration, as --help and describe() must name them (one list for both suites).
inline constexpr const char* kEveryConfigKey[] = {
    "server.address",
    "server.port",
    "server.io_threads",
    "server.node_id",
    "server.city",
    "store.data_dir",
    "store.history_retention",
    "auth.token_secret",
    "auth.token_secret_file",
    "auth.issuer",
    "auth.audience",
    "limits.http_body_limit",
    "limits.ws_message_limit",
    "limits.ws_send_queue_limit",
    "limits.max_area_vertices",
    "limits.push_outline_vertices",
    "limits.max_connections",
    "limits.hello_timeout",
    "limits.max_unauthenticated",
    "limits.position_rate",
    "limits.position_burst",
    "limits.request_rate",
    "limits.request_burst",
    "limits.connection_rate",
    "limits.connection_burst",
    "delivery.ack_timeout",
    "delivery.max_retries",
    "delivery.heartbeat_interval",
    "delivery.idle_timeout",
    "delivery.position_interval",
    "delivery.position_max_age",
    "log.level",
    "redis.url",
    "redis.lease_ttl",
    "tls.cert_file",
    "tls.key_file",
    "tls.ca_file",
    "demo.volunteers",
};

}  // namespace yihu::ops
