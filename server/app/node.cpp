#include "app/node.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include "api/codec/http_reply.h"
#include "api/codec/protobuf_log.h"
#include "api/gateway/gateway.h"
#include "api/gateway/static_routes.h"
#include "api/hub/hub_link.h"
#include "app/federation.h"
#include "app/node_metrics.h"
#include "cluster/cluster_member.h"
#include "net/http_server.h"
#include "net/tls_context.h"
#include "ops/secret_file.h"
#include "store/store.h"

namespace yihu::app {

namespace asio = boost::asio;

struct Node::Parts {
    ops::Config config;
    StoreOpener open_store;
    std::string secret;
    api::HubMetrics hub_metrics;
    std::unique_ptr<NodeMetrics> metrics;
    std::unique_ptr<api::Hub> hub;
    std::unique_ptr<api::HubLink> link;
    std::unique_ptr<Federation> federation;          // [[peer]] links; null without peers
    std::unique_ptr<cluster::ClusterMember> member;  // cluster mode (redis.url set): the hub runs on the leader
    api::GatewayContext context;
    std::unique_ptr<api::StaticRoutes> static_routes;
    std::unique_ptr<api::Gateway> gateway;
    asio::io_context io;
    std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<net::HttpServer> server;
    // [tls] ca_file: what peers dialled over wss:// must present (made at start, so a bad file stops the node).
    std::shared_ptr<net::TlsContext> client_tls;
    std::vector<std::thread> threads;
    std::uint16_t port = 0;
    bool started = false;
    // Written by stop() on the caller's thread, read by /readyz on I/O threads.
    std::atomic<bool> stopped{false};
};

namespace {
core::Time system_now() {
    return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}
}  // namespace

Node::Node(ops::Config config, StoreOpener open_store) : parts_(std::make_unique<Parts>()) {
    parts_->config = std::move(config);
    parts_->open_store = std::move(open_store);
}

Node::~Node() {
    stop();
}

core::Status Node::start() {
    Parts& p = *parts_;
    const ops::Config& c = p.config;
    api::route_protobuf_log_to_spdlog();
    auto secret = ops::configured_secret(c.auth, c.store.data_dir, ops::SecretMode::kCreateIfMissing);
    if (!secret) return secret.error();
    p.secret = *secret;
    const bool clustered = !c.redis.url.empty();

    api::HubOptions options;
    options.node_id = c.server.node_id;
    options.city = c.server.city;
    options.ack_timeout = c.delivery.ack_timeout;
    options.max_retries = c.delivery.max_retries;
    options.history_retention = c.store.history_retention;
    options.heartbeat_interval = c.delivery.heartbeat_interval;
    options.position_interval = c.delivery.position_interval;
    options.push_outline_vertices = c.limits.push_outline_vertices;
    options.engine.index.max_age = c.delivery.position_max_age;
    std::vector<core::Device> devices;
    for (const auto& d : c.devices) devices.push_back(ops::to_core_device(d));
    auto federation = Federation::make(c, system_now);
    if (!federation) return federation.error();
    p.federation = std::move(*federation);
    if (p.federation) options.federation = p.federation->hub_options();
    if (clustered) {
        // Federation runs where the hub runs: its links follow the leadership (docs/cluster.md, "Federation").
        std::function<void(std::shared_ptr<api::Hub>)> on_lead;
        std::function<void()> on_step_down;
        if (Federation* f = p.federation.get()) {
            on_lead = [f](std::shared_ptr<api::Hub> hub) { f->lead(std::move(hub)); };
            on_step_down = [f] { f->step_down(); };
        }
        p.member = std::make_unique<cluster::ClusterMember>(
            p.io,
            cluster::ClusterMember::Options{.node_id = c.server.node_id,
                                            .city = c.server.city,
                                            .redis_url = c.redis.url,
                                            .lease_ttl = c.redis.lease_ttl,
                                            .wait_replicas = c.redis.wait_replicas,
                                            .wait_timeout = c.redis.wait_timeout,
                                            .hub = options,
                                            .devices = devices,
                                            .on_lead = on_lead,
                                            .on_step_down = on_step_down},
            system_now, &p.hub_metrics);
        // Connects in the background; the relay exists from here on. The hub starts on whichever node leads.
        if (auto s = p.member->start(); !s) return s;
        p.context.hub = &p.member->link();
        p.context.not_ready = [this]() -> std::optional<std::string> {
            if (parts_->stopped) return "stopping";
            if (!parts_->member->ready()) return "no ready cluster leader reachable through Redis";
            if (std::string refused = parts_->member->writes_refused(); !refused.empty()) {
                return "the leader's writes are refused: " + refused;
            }
            return std::nullopt;
        };
    } else {
        auto store = p.open_store ? p.open_store(c) : store::open_sqlite_store(c.store.data_dir);
        if (!store) return store.error();
        p.hub = std::make_unique<api::Hub>(options, std::move(*store), system_now, &p.hub_metrics);
        p.link = std::make_unique<api::LocalHubLink>(*p.hub);
        if (p.federation) p.federation->attach(*p.link);
        p.context.hub = p.link.get();
        p.context.not_ready = [this]() -> std::optional<std::string> {
            if (parts_->stopped) return "stopping";
            if (!parts_->hub->ready()) return "the hub is not ready (starting, or rebuilding after a failed write)";
            if (std::string refused = parts_->hub->write_refusal(); !refused.empty()) {
                return "writes are refused: " + refused;
            }
            return std::nullopt;
        };
    }
    p.context.token_secret = p.secret;
    p.context.token_policy = api::TokenPolicy{.issuer = c.auth.issuer, .audience = c.auth.audience};
    p.context.clock = system_now;
    p.context.run_on_io = [&io = p.io](std::function<void()> work) { asio::post(io, std::move(work)); };
    p.context.ws_message_limit = c.limits.ws_message_limit;
    p.context.max_area_vertices = c.limits.max_area_vertices;
    p.context.position_rate = net::RateLimit{c.limits.position_rate, c.limits.position_burst};
    p.context.message_rate = net::RateLimit{c.limits.request_rate, c.limits.request_burst};
    p.static_routes = std::make_unique<api::StaticRoutes>(
        api::StaticRoutes::Options{.root = c.web.root, .leaflet_dir = c.web.leaflet_dir, .tile_url = c.web.tile_url});
    p.context.static_routes = p.static_routes.get();
    p.context.cap_import = c.cap.import;
    p.context.cap_export = c.cap.export_options;
    if (p.federation) p.context.peer_links = p.federation->links();
    p.gateway = std::make_unique<api::Gateway>(p.context);

    net::ServerOptions server;
    server.address = c.server.address;
    server.port = c.server.port;
    server.http_body_limit = c.limits.http_body_limit;
    // Counted as bytes arrive; the volunteer session answers FRAME_TOO_LARGE before the 1009 close.
    server.ws_message_limit = c.limits.ws_message_limit;
    server.ws_send_queue_limit = c.limits.ws_send_queue_limit;
    server.ws_idle_timeout = std::chrono::duration_cast<std::chrono::seconds>(c.delivery.idle_timeout);
    server.max_connections = c.limits.max_connections;
    // Half the connections stay for sockets that proved who they are (and for /healthz).
    server.max_unauthenticated =
        std::min(c.limits.max_unauthenticated, std::max<std::size_t>(1, c.limits.max_connections / 2));
    server.auth_timeout = c.limits.hello_timeout;
    server.request_rate = net::RateLimit{c.limits.request_rate, c.limits.request_burst};
    server.connection_rate = net::RateLimit{c.limits.connection_rate, c.limits.connection_burst};
    if (!c.tls.cert_file.empty()) {
        auto tls = net::make_server_tls_context(c.tls.cert_file, c.tls.key_file);
        if (!tls) return tls.error();
        server.tls = std::move(*tls);
    }
    if (!c.tls.ca_file.empty() || (p.federation && p.federation->needs_tls())) {
        auto tls = net::make_client_tls_context(c.tls.ca_file);
        if (!tls) return tls.error();
        p.client_tls = std::move(*tls);
    }
    api::Gateway* gateway = p.gateway.get();
    net::Routes routes{
        .http = [gateway](net::HttpRequest r,
                          net::Respond respond) { gateway->http(std::move(r), std::move(respond)); },
        .websocket = [gateway](const net::HttpRequest& r) { return gateway->upgrade(r); },
        .error = api::listener_error_reply,
    };
    p.server = std::make_unique<net::HttpServer>(p.io, server, std::move(routes));
    // Metrics hook into the hub before its thread starts (the hub reads the observers without a lock).
    p.metrics = std::make_unique<NodeMetrics>(p.hub_metrics, *p.server);
    p.metrics->counter("yihu_rate_limited_total", "Messages and requests refused with RATE_LIMITED, by what.",
                       [this] { return static_cast<double>(parts_->context.positions_rate_limited.load()); },
                       {{"what", "position"}});
    p.metrics->counter("yihu_rate_limited_total", "Messages and requests refused with RATE_LIMITED, by what.",
                       [this] { return static_cast<double>(parts_->context.messages_rate_limited.load()); },
                       {{"what", "volunteer_message"}});
    if (p.federation) {
        for (std::size_t i = 0; i < c.federation.peers.size(); ++i) {
            p.metrics->counter("yihu_federation_tls_refused_total",
                               "TLS handshakes with a wss:// peer that failed (its certificate was refused), by peer.",
                               [this, i] { return static_cast<double>(parts_->federation->tls_refused(i)); },
                               {{"peer", c.federation.peers[i].name}});
        }
    }
    p.context.render_metrics = [this] { return parts_->metrics->render(); };
    if (p.member) {
        p.metrics->gauge("yihu_cluster_leader", "Whether this node holds the leader lease and runs the hub (1 or 0).",
                         [this] { return parts_->member && parts_->member->leading() ? 1.0 : 0.0; });
        p.metrics->gauge("yihu_cluster_ready", "Whether a ready leader is reachable through Redis (1 or 0).",
                         [this] { return parts_->member && parts_->member->ready() ? 1.0 : 0.0; });
        p.metrics->gauge(
            "yihu_cluster_standby_positions",
            "Volunteers whose position this node holds from the leader's standby batches (what it could match at "
            "once if it became the leader).",
            [this] { return parts_->member ? static_cast<double>(parts_->member->standby_positions()) : 0.0; });
    }
    if (p.hub) {
        if (auto s = p.hub->start(devices); !s) return s;
    }
    auto port = p.server->listen();
    if (!port) return port.error();
    p.port = *port;
    p.work = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(p.io.get_executor());
    for (int i = 0; i < c.server.io_threads; ++i) p.threads.emplace_back([&p] { p.io.run(); });
    if (p.federation) p.federation->dial(p.io, p.client_tls);
    p.started = true;
    spdlog::info("yihu node {} listening on {}:{} ({}; data in {})", c.server.node_id, c.server.address, p.port,
                 c.tls.cert_file.empty() ? "plain HTTP" : "TLS", c.store.data_dir.string());
    return core::Status::Ok();
}

void Node::stop() {
    Parts& p = *parts_;
    if (p.stopped.exchange(true)) return;
    if (p.server) p.server->stop_accepting();
    if (p.federation) p.federation->stop();
    if (p.hub) p.hub->stop();        // commits and sends everything already accepted
    if (p.member) p.member->stop();  // the same on the leader; then the lease goes to another node
    if (p.server) p.server->close_all(1001, "server shutting down");
    if (p.work) {
        p.work.reset();
        // Give the close handshakes a moment, then stop whatever is left (a peer that never answers).
        for (int i = 0; i < 50 && (p.server->websocket_connections() > 0 || p.server->http_connections() > 0); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        p.io.stop();
    }
    for (auto& t : p.threads) t.join();
    p.threads.clear();
    // The cluster's connections and timers belong to the io_context: they go while it still exists.
    p.member.reset();
    if (p.federation) p.federation->release();
    if (p.started) spdlog::info("yihu node {} stopped", p.config.server.node_id);
}

std::uint16_t Node::port() const {
    return parts_->port;
}
const std::string& Node::token_secret() const {
    return parts_->secret;
}
const ops::Config& Node::config() const {
    return parts_->config;
}
std::string Node::render_metrics() const {
    return parts_->metrics ? parts_->metrics->render() : std::string{};
}

int run_until_signalled(ops::Config config) {
    Node node(std::move(config));
    if (auto s = node.start(); !s) {
        spdlog::error("cannot start: {}", s.error().message);
        return 1;
    }
    asio::io_context signals_io;
    asio::signal_set signals(signals_io, SIGTERM, SIGINT);
    signals.async_wait(
        [](const boost::system::error_code&, int signal) { spdlog::info("signal {}: stopping", signal); });
    signals_io.run();
    node.stop();
    return 0;
}

}  // namespace yihu::app
