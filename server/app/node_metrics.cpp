#include "app/node_metrics.h"

namespace yihu::app {

NodeMetrics::NodeMetrics(api::HubMetrics& m, const net::HttpServer& server) {
    auto& r = registry_;
    auto counter = [&r](const char* name, const char* help, std::atomic<std::uint64_t>& value) {
        r.counter_callback(name, help, [&value] { return static_cast<double>(value.load()); });
    };
    counter("yihu_position_updates_total", "Position updates applied to the index.", m.position_updates);
    counter("yihu_pushes_total", "Pushes sequenced for volunteers (alert, update, stand-down, closed).", m.pushes);
    counter("yihu_pushes_sent_total", "Push frames written to connected phones, retries included.", m.pushes_sent);
    counter("yihu_push_retries_total", "Pushes written again after no acknowledgement.", m.push_retries);
    counter("yihu_acks_total", "Acknowledgements received from phones.", m.acks);
    counter("yihu_pushes_replayed_total", "Pushes replayed to phones resuming a session.", m.replayed);
    counter("yihu_protocol_errors_total", "Protocol errors sent to phones.", m.protocol_errors);
    counter("yihu_store_failures_total", "Store transactions that failed.", m.store_failures);
    counter("yihu_absent_alert_reads_total",
            "Store reads telling a closed alert that left memory from an id never stored.", m.absent_alert_reads);
    r.gauge_callback("yihu_volunteers_connected", "Volunteer sessions open.",
                     [&m] { return static_cast<double>(m.volunteers_connected.load()); });
    r.gauge_callback("yihu_feeds_connected", "Dispatcher live feeds open.",
                     [&m] { return static_cast<double>(m.feeds_connected.load()); });
    r.gauge_callback("yihu_alerts", "Alerts by state.", [&m] { return static_cast<double>(m.alerts_active.load()); },
                     {{"state", "active"}});
    r.gauge_callback("yihu_alerts", "Alerts by state.", [&m] { return static_cast<double>(m.alerts_closed.load()); },
                     {{"state", "closed"}});
    r.gauge_callback("yihu_alerts_in_memory", "Alerts held in memory (open, or closed and not yet durable).",
                     [&m] { return static_cast<double>(m.alerts_in_memory.load()); });
    r.gauge_callback("yihu_federation_outbox", "Messages to peers waiting for their acknowledgement.",
                     [&m] { return static_cast<double>(m.federation_outbox.load()); });
    counter("yihu_federation_sent_total", "Messages written to peer links, retries included.", m.federation_sent);
    counter("yihu_federation_refused_total", "Messages from peers this city refused.", m.federation_refused);
    counter("yihu_federation_refused_by_peer_total", "Messages this city sent that a peer refused.",
            m.federation_refused_by_peer);
    r.gauge_callback("yihu_connections", "Open connections by kind.",
                     [&server] { return static_cast<double>(server.http_connections()); }, {{"kind", "http"}});
    r.gauge_callback("yihu_connections", "Open connections by kind.",
                     [&server] { return static_cast<double>(server.websocket_connections()); },
                     {{"kind", "websocket"}});
    const auto listener = [&r, &server](const char* name, const char* help, ops::Labels labels,
                                        std::uint64_t net::ServerCounters::*field) {
        r.counter_callback(
            name, help, [&server, field] { return static_cast<double>(server.counters().*field); }, std::move(labels));
    };
    listener("yihu_rate_limited_total", "Messages and requests refused with RATE_LIMITED, by what.",
             {{"what", "http_request"}}, &net::ServerCounters::requests_rate_limited);
    listener("yihu_rate_limited_total", "Messages and requests refused with RATE_LIMITED, by what.",
             {{"what", "connection"}}, &net::ServerCounters::connections_rate_limited);
    listener("yihu_websocket_auth_timeouts_total", "WebSockets closed for not authenticating in time.", {},
             &net::ServerCounters::auth_timeouts);
    listener("yihu_websocket_unauthenticated_refused_total",
             "WebSocket upgrades refused because too many sockets were waiting to authenticate.", {},
             &net::ServerCounters::unauthenticated_refused);
    listener("yihu_websocket_too_large_total", "WebSockets closed with 1009: a message passed the limit.", {},
             &net::ServerCounters::messages_too_large);
    r.gauge_callback("yihu_connections", "Open connections by kind.",
                     [&server] { return static_cast<double>(server.unauthenticated_websockets()); },
                     {{"kind", "websocket_unauthenticated"}});
    ops::Histogram& ack = r.histogram("yihu_ack_latency_seconds", "From writing a push to its acknowledgement.",
                                      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
    ops::Histogram& match =
        r.histogram("yihu_match_latency_seconds", "Matching work per position update or alert creation.",
                    {1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2});
    m.observe_ack_latency = [&ack](double s) { ack.observe(s); };
    m.observe_match_latency = [&match](double s) { match.observe(s); };
}

}  // namespace yihu::app
