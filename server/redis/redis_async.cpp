#include "redis/redis_async.h"

#include <async.h>
#include <hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <random>
#include <thread>

#include "redis/redis_sentinel.h"

namespace yihu::redis {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Everything lives on the strand; handlers keep the Impl alive with a shared_ptr, so a stopped connection's late
// handlers find it (and do nothing) instead of freed memory.
struct AsyncConnection::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io, Options o, StateHandler s, std::atomic<bool>& up)
        : strand(asio::make_strand(io)),
          socket(strand),
          reconnect_timer(strand),
          health_timer(strand),
          options(std::move(o)),
          on_state(std::move(s)),
          up_flag(up),
          backoff(options.backoff_min),
          random(std::random_device{}()) {}
    ~Impl() {
        if (resolver.joinable()) resolver.join();
    }

    asio::strand<asio::io_context::executor_type> strand;
    asio::posix::stream_descriptor socket;
    asio::steady_timer reconnect_timer;
    asio::steady_timer health_timer;
    Options options;
    StateHandler on_state;
    std::atomic<bool>& up_flag;

    redisAsyncContext* context = nullptr;
    std::uint64_t generation = 0;  // bumps with every new context: waits armed for an older socket are ignored
    bool connected = false;
    bool stopping = false;
    bool want_read = false, want_write = false, read_armed = false, write_armed = false;
    Clock::time_point last_heard{};
    std::chrono::milliseconds backoff;
    std::mt19937 random;
    std::vector<std::string> channels;
    MessageHandler on_message;
    // Asks the sentinels where the master is (blocking calls) off the strand; it holds the Impl only weakly and
    // posts its answer back. Joined before the next one starts, at stop() and at destruction.
    std::thread resolver;
    bool resolving = false;

    // --- hiredis event hooks (called by hiredis on the strand) ---
    static void hook_add_read(void* p) {
        auto* self = static_cast<Impl*>(p);
        self->want_read = true;
        self->arm_read();
    }
    static void hook_del_read(void* p) { static_cast<Impl*>(p)->want_read = false; }
    static void hook_add_write(void* p) {
        auto* self = static_cast<Impl*>(p);
        self->want_write = true;
        self->arm_write();
    }
    static void hook_del_write(void* p) { static_cast<Impl*>(p)->want_write = false; }
    static void hook_cleanup(void* p) {
        auto* self = static_cast<Impl*>(p);
        self->want_read = self->want_write = false;
        // hiredis closes the descriptor itself: give it up without closing (this also cancels our waits).
        if (self->socket.is_open()) self->socket.release();
        self->context = nullptr;
    }

    void arm_read() {
        if (read_armed || !want_read || context == nullptr) return;
        read_armed = true;
        socket.async_wait(asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this(), gen = generation](const boost::system::error_code& ec) {
                              self->read_armed = false;
                              if (ec || gen != self->generation || self->context == nullptr) return;
                              if (self->want_read) {
                                  self->last_heard = Clock::now();
                                  redisAsyncHandleRead(self->context);
                              }
                              if (gen == self->generation) self->arm_read();
                          });
    }
    void arm_write() {
        if (write_armed || !want_write || context == nullptr) return;
        write_armed = true;
        socket.async_wait(asio::posix::stream_descriptor::wait_write,
                          [self = shared_from_this(), gen = generation](const boost::system::error_code& ec) {
                              self->write_armed = false;
                              if (ec || gen != self->generation || self->context == nullptr) return;
                              if (self->want_write) redisAsyncHandleWrite(self->context);
                              if (gen == self->generation) self->arm_write();
                          });
    }

    // --- connection life ---
    void connect() {
        if (stopping || context != nullptr || resolving) return;
        if (!options.address.via_sentinel()) {
            connect_to(HostPort{options.address.host, options.address.port});
            return;
        }
        resolving = true;
        if (resolver.joinable()) resolver.join();  // the previous one has posted its answer: it is finishing
        resolver = std::thread(
            [weak = weak_from_this(), strand = strand, address = options.address, timeout = options.sentinel_timeout] {
                auto master = resolve_master(address, timeout);
                asio::post(strand, [weak, master = std::move(master)]() mutable {
                    auto self = weak.lock();
                    if (!self) return;
                    self->resolving = false;
                    if (self->stopping) return;
                    if (!master) {
                        spdlog::warn("{}: {}", self->options.name, master.error().message);
                        self->schedule_reconnect();
                        return;
                    }
                    self->connect_to(*master);
                });
            });
    }

    void connect_to(const HostPort& server) {
        if (stopping || context != nullptr) return;
        redisAsyncContext* c = redisAsyncConnect(server.host.c_str(), server.port);
        if (c == nullptr || c->err != 0) {
            spdlog::debug("{}: cannot start a connection to {}:{}: {}", options.name, server.host, server.port,
                          c != nullptr ? c->errstr : "out of memory");
            if (c != nullptr) redisAsyncFree(c);
            schedule_reconnect();
            return;
        }
        ++generation;
        context = c;
        c->data = this;
        boost::system::error_code ec;
        socket.assign(c->c.fd, ec);
        c->ev.data = this;
        c->ev.addRead = hook_add_read;
        c->ev.delRead = hook_del_read;
        c->ev.addWrite = hook_add_write;
        c->ev.delWrite = hook_del_write;
        c->ev.cleanup = hook_cleanup;
        redisAsyncSetConnectCallback(c, on_connect);  // arms the first write wait: that is how connect completes
        redisAsyncSetDisconnectCallback(c, on_disconnect);
        last_heard = Clock::now();
        // Queued now, sent once connected, answered before anything else.
        if (!options.address.password.empty()) {
            if (options.address.user.empty()) {
                raw_command({"AUTH", options.address.password}, check_setup, this);
            } else {
                raw_command({"AUTH", options.address.user, options.address.password}, check_setup, this);
            }
        }
        if (options.address.db != 0) raw_command({"SELECT", std::to_string(options.address.db)}, check_setup, this);
        // Through the sentinels: only a master will do (their answer can be stale around a failover).
        if (options.address.via_sentinel()) raw_command({"ROLE"}, check_role, this);
        if (!channels.empty()) {
            std::vector<std::string> args = {"SUBSCRIBE"};
            args.insert(args.end(), channels.begin(), channels.end());
            raw_command(args, on_subscription, this);
        }
    }

    void raw_command(const std::vector<std::string>& args, redisCallbackFn* fn, void* privdata) {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const std::string& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        redisAsyncCommandArgv(context, fn, privdata, static_cast<int>(argv.size()), argv.data(), lengths.data());
    }

    static void check_setup(redisAsyncContext* c, void* r, void*) {
        auto* reply = static_cast<redisReply*>(r);
        if (reply != nullptr && reply->type == REDIS_REPLY_ERROR) {
            auto* self = static_cast<Impl*>(c->data);
            spdlog::error("{}: {} refused the connection set-up: {}", self->options.name,
                          self->options.address.describe(), std::string_view(reply->str, reply->len));
            redisAsyncDisconnect(c);
        }
    }

    static void check_role(redisAsyncContext* c, void* r, void*) {
        auto* self = static_cast<Impl*>(c->data);
        auto* reply = static_cast<redisReply*>(r);
        if (reply == nullptr) return;  // the connection went; on_disconnect reconnects
        if (!is_master_role(reply)) {
            spdlog::warn("{}: the sentinels named a Redis that is not the master of {} (a failover is under way)",
                         self->options.name, self->options.address.describe());
            redisAsyncDisconnect(c);
            return;
        }
        if (self->channels.empty()) self->set_up(true);
    }

    static void on_connect(const redisAsyncContext* c, int status) {
        auto* self = static_cast<Impl*>(c->data);
        if (status != REDIS_OK) {
            // hiredis frees the context after this returns (the cleanup hook clears ours).
            spdlog::debug("{}: cannot connect to {}: {}", self->options.name, self->options.address.describe(),
                          c->errstr);
            self->schedule_reconnect();
            return;
        }
        self->connected = true;
        self->backoff = self->options.backoff_min;
        self->last_heard = Clock::now();
        spdlog::info("{}: connected to {}", self->options.name, self->options.address.describe());
        // A subscriber is up once its SUBSCRIBE is confirmed (on_subscription); a connection made through the
        // sentinels once its ROLE is master (check_role).
        if (self->channels.empty() && !self->options.address.via_sentinel()) self->set_up(true);
        self->arm_health();
    }

    static void on_disconnect(const redisAsyncContext* c, int status) {
        auto* self = static_cast<Impl*>(c->data);
        self->connected = false;
        self->set_up(false);
        if (!self->stopping) {
            spdlog::warn("{}: lost {}{}{}", self->options.name, self->options.address.describe(),
                         status == REDIS_OK ? "" : ": ", status == REDIS_OK ? "" : c->errstr);
        }
        self->schedule_reconnect();
    }

    static void on_subscription(redisAsyncContext* c, void* r, void*) {
        auto* self = static_cast<Impl*>(c->data);
        auto* reply = static_cast<redisReply*>(r);
        if (reply == nullptr || reply->type != REDIS_REPLY_ARRAY || reply->elements < 3) return;
        const std::string_view kind(reply->element[0]->str, reply->element[0]->len);
        if (kind == "message") {
            if (self->on_message) {
                self->on_message(std::string_view(reply->element[1]->str, reply->element[1]->len),
                                 std::string_view(reply->element[2]->str, reply->element[2]->len));
            }
        } else if (kind == "subscribe") {
            // Up once every channel is confirmed: the third element counts this connection's subscriptions.
            if (reply->element[2]->integer == static_cast<long long>(self->channels.size())) self->set_up(true);
        }
    }

    void set_up(bool up) {
        if (up_flag.exchange(up) != up && on_state) on_state(up);
    }

    void schedule_reconnect() {
        if (stopping) return;
        std::uniform_int_distribution<long> jitter(0, backoff.count() / 2);
        const auto delay = backoff + std::chrono::milliseconds(jitter(random));
        backoff = std::min(backoff * 2, options.backoff_max);
        reconnect_timer.expires_after(delay);
        reconnect_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->connect();
        });
    }

    // PING every health_interval on a command connection; on a subscriber the owner runs its own check (a
    // subscribed connection cannot PING through hiredis 0.14's callback bookkeeping), so only silence counts.
    void arm_health() {
        health_timer.expires_after(options.health_interval);
        health_timer.async_wait([self = shared_from_this(), gen = generation](const boost::system::error_code& ec) {
            if (ec || gen != self->generation || self->context == nullptr || !self->connected) return;
            if (Clock::now() - self->last_heard > self->options.health_timeout && self->channels.empty()) {
                self->drop("no reply within the health timeout");
                return;
            }
            if (self->channels.empty()) self->raw_command({"PING"}, nullptr, nullptr);
            self->arm_health();
        });
    }

    void drop(std::string_view why) {
        if (context == nullptr) return;
        spdlog::warn("{}: dropping the connection to {}: {}", options.name, options.address.describe(), why);
        const bool was_connected = connected;
        redisAsyncFree(context);  // runs pending callbacks with NULL, then on_disconnect if it was connected
        if (!was_connected) schedule_reconnect();
    }

    void stop() {
        stopping = true;
        reconnect_timer.cancel();
        health_timer.cancel();
        if (context != nullptr) redisAsyncFree(context);
        set_up(false);
        if (resolver.joinable()) resolver.join();
    }
};

namespace {
// A command's handler, owned by hiredis until it calls back once (with NULL when the connection goes).
struct PendingReply {
    AsyncConnection::ReplyHandler done;
};
void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    std::unique_ptr<PendingReply> pending(static_cast<PendingReply*>(privdata));
    if (pending->done) pending->done(static_cast<const redisReply*>(reply));
}
}  // namespace

AsyncConnection::AsyncConnection(asio::io_context& io, Options options, StateHandler on_state)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(on_state), up_)) {}

AsyncConnection::~AsyncConnection() {
    stop();
}

void AsyncConnection::start() {
    stopped_ = false;
    asio::post(impl_->strand, [impl = impl_] {
        impl->stopping = false;
        impl->connect();
    });
}

void AsyncConnection::stop() {
    if (stopped_.exchange(true)) return;
    if (impl_->strand.running_in_this_thread()) {
        impl_->stop();
        return;
    }
    std::promise<void> done;
    auto finished = done.get_future();
    asio::post(impl_->strand, [impl = impl_, &done] {
        impl->stop();
        done.set_value();
    });
    // The io_context may already be stopped (node shutdown): then nothing runs the strand; do not wait forever.
    if (finished.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
        spdlog::debug("{}: stopped without its event loop", impl_->options.name);
    }
}

void AsyncConnection::command(std::vector<std::string> args, ReplyHandler done) {
    asio::post(impl_->strand, [impl = impl_, args = std::move(args), done = std::move(done)]() mutable {
        if (impl->context == nullptr || !impl->connected) {
            if (done) done(nullptr);
            return;
        }
        auto* pending = new PendingReply{std::move(done)};
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const std::string& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        if (redisAsyncCommandArgv(impl->context, on_reply, pending, static_cast<int>(argv.size()), argv.data(),
                                  lengths.data()) != REDIS_OK) {
            std::unique_ptr<PendingReply> owned(pending);
            if (owned->done) owned->done(nullptr);
        }
    });
}

void AsyncConnection::subscribe(std::vector<std::string> channels, MessageHandler on_message) {
    asio::post(impl_->strand, [impl = impl_, channels = std::move(channels), on_message = std::move(on_message)] {
        impl->channels = channels;
        impl->on_message = on_message;
    });
}

void AsyncConnection::reset(std::string_view why) {
    asio::post(impl_->strand, [impl = impl_, why = std::string(why)] { impl->drop(why); });
}

void AsyncConnection::post(std::function<void()> task) {
    asio::post(impl_->strand, std::move(task));
}

}  // namespace yihu::redis
