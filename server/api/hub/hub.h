#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/alert_extras.h"
#include "api/auth/token.h"
#include "api/delivery/delivery_ledger.h"
#include "api/delivery/push_encoding.h"
#include "api/federation/federation_options.h"
#include "api/hub/absent_alerts.h"
#include "api/hub/feed_fanout.h"
#include "api/hub/hub_metrics.h"
#include "api/name_table.h"
#include "api/persist/alert_snapshot.h"
#include "api/skill_catalog.h"
#include "core/alert/alert_engine.h"
#include "federation/cap_book.h"
#include "net/ws_connection.h"
#include "store/store.h"
#include "yihu/v1/cluster.pb.h"
#include "yihu/v1/commands.pb.h"
#include "yihu/v1/dispatcher.pb.h"
#include "yihu/v1/federation.pb.h"
#include "yihu/v1/volunteer.pb.h"

namespace yihu::api {

struct HubOptions {
    std::string node_id = "node-1";
    std::string city = "dongguan";
    core::Duration ack_timeout = std::chrono::seconds(10);
    int max_retries = 5;
    core::Duration history_retention = std::chrono::hours(72);
    core::Duration heartbeat_interval = std::chrono::seconds(25);
    core::Duration position_interval = std::chrono::seconds(10);
    std::size_t replay_limit = 2000;  // more missed pushes than this: the phone gets the current state instead
    // Most polygon vertices of an area in a push or a feed event (limits.push_outline_vertices); larger areas are
    // sent as an outline (geo::simplified). 0: whole areas.
    std::size_t push_outline_vertices = 1000;
    core::EngineOptions engine;
    // In a cluster: receives, every standby_interval, the matching state of the volunteers that changed (called on
    // the hub thread; must not block). A successor seeds its hub with it (Hub::seed_standby).
    std::function<void(v1::StandbyBatch)> standby_sink;
    core::Duration standby_interval = std::chrono::milliseconds(200);
    // Links to neighbouring cities (single node only; docs/federation.md).
    FederationOptions federation;
};

// The answer to a command, given once (on the hub thread); a mutation's after the writes it reports are durable.
using CommandReply = std::function<void(v1::HubResult)>;

// The node's one owner of alert state. Everything that reads or changes the engine, the delivery sequences or the
// store runs on the hub's own thread, in the order posted, so none of it needs a lock; network threads decode and
// authenticate, then post. Work is taken in batches: the writes of a whole batch are committed in one store
// transaction, and only then are replies and pushes sent, so nothing a dispatcher or a phone was told is lost by a
// crash (and one fsync serves many requests).
class Hub {
  public:
    using Clock = std::function<core::Time()>;

    Hub(HubOptions options, std::unique_ptr<store::Store> store, Clock clock, HubMetrics* metrics = nullptr);
    ~Hub();
    Hub(const Hub&) = delete;
    Hub& operator=(const Hub&) = delete;

    // Loads devices and alerts from the store, then starts the hub thread.
    core::Status start(const std::vector<core::Device>& configured_devices);
    // Finishes what was posted, commits, and joins the thread. Idempotent.
    void stop();
    bool ready() const { return ready_.load(); }
    // Why the store refuses writes now although it answers (store::Store::write_refusal), empty if it does not. Any
    // thread; the hub thread updates it after each commit and probes the store every second while it is set.
    std::string write_refusal() const;

    // Runs `task` on the hub thread (from any thread). Tasks posted after stop() are dropped.
    void post(std::function<void()> task);

    // --- Volunteers (called on the hub thread, from tasks posted by the volunteer sessions) ---
    struct Session {
        std::shared_ptr<net::WsConnection> connection;
        bool binary = true;  // the encoding of the phone's Hello: replies and pushes use the same
        std::uint64_t id = 0;
    };
    void volunteer_hello(const Session& session, const Claims& claims, const v1::Hello& hello,
                         std::uint64_t request_id);
    void volunteer_message(const Session& session, const std::string& subject, const v1::ClientMessage& message);
    void volunteer_closed(const std::string& subject, std::uint64_t session_id);

    // Matching state replicated from a previous leader (hub thread, before any relayed work): each volunteer is put
    // in the index as that leader had it, without a session, so the matching is the same as if it had not changed.
    void seed_standby(const std::vector<v1::StandbyVolunteer>& volunteers);

    // --- Commands (hub thread): typed, authenticated and validated by a gateway (commands.proto) ---
    void execute(const v1::HubCommand& command, CommandReply reply);

    // --- Dispatchers' live feeds (hub thread) ---
    void feed_open(std::uint64_t feed_id, std::shared_ptr<net::WsConnection> connection,
                   const v1::LiveFeedSubscribe& subscribe);
    void feed_subscribe(std::uint64_t feed_id, const v1::LiveFeedSubscribe& subscribe);
    void feed_closed(std::uint64_t feed_id);

    // Sends `message` on a volunteer connection in its encoding (any thread).
    static void send(const Session& session, const v1::ServerMessage& message);

  private:
    struct VolunteerState {
        std::optional<Session> session;     // the ledger knows it by its id
        std::string instance_id;            // the session's Hello.instance_id: which copy of the app holds it
        core::SkillSet granted_skills = 0;  // from the token; SkillsUpdate may offer a subset
        core::VolunteerProfile profile;
        bool known = false;        // has a profile in the engine
        bool quiet_hours = false;  // said QUIET_HOURS (the engine holds matches back)
    };
    // What a push body was encoded from: a body is reused within a batch only while the alert shows the same.
    struct BodyKey {
        core::AlertNumber alert = 0;
        v1::DeliveryKind kind = v1::DELIVERY_KIND_UNSPECIFIED;
        std::uint64_t version = 0;
        core::Time updated_at{};
        double radius_m = 0;
        core::AlertState state{};
        bool operator==(const BodyKey&) const = default;
    };

    void run();
    void commit();
    void after_commit(std::function<void(bool durable)> action) { after_commit_.push_back(std::move(action)); }
    core::Time now() const { return clock_(); }

    // Engine effects -> pushes, feed events and store writes (hub_effects.cpp).
    void apply(core::Effects& fx, core::Time now);
    void push_notice(const core::Notice& notice, core::Time now);
    // The shared part of a push about `a`, encoded once per alert version and kind (hub_push.cpp).
    PushBodyPtr push_body(const core::Alert& a, v1::DeliveryKind kind);
    // `envelope`: the per-recipient fields of the push (its seq is given here).
    std::uint64_t enqueue_push(core::VolunteerId v, const core::Alert& a, v1::DeliveryKind kind, PushEnvelope envelope,
                               core::Time now);
    void persist_alert(core::AlertNumber number, const std::set<core::VolunteerId>& recipients);
    void send_released(const std::vector<LedgerWrite>& writes);
    void write_push(const Session& s, const LedgerPush& push);
    void report_delivery(core::VolunteerId v, const LedgerPush& push, const DeliveryMarks& marks, core::Time t,
                         bool persist = true);
    void retry_unacked(core::Time now);
    void publish_feed(const core::FeedEvent& event);
    void publish_feed(const std::string& alert_id, v1::LiveFeedEvent event);

    // Volunteers (hub_volunteers.cpp).
    VolunteerState& volunteer(core::VolunteerId v);
    // QUIET_HOURS (quiet = true) or not: the engine's all-day quiet window and the state's flag, which the standby
    // batch reports, change together.
    void set_quiet_hours(core::VolunteerId v, VolunteerState& state, bool quiet);
    void reply(const Session& s, std::uint64_t request_id, v1::ServerMessage message);
    void reply_error(const Session& s, std::uint64_t request_id, v1::ErrorCode code, std::string message,
                     bool fatal = false);
    void reply_error(const Session& s, std::uint64_t request_id, const core::Error& error);
    // An error about an alert the engine does not hold: ALERT_CLOSED, NOT_FOUND or UNAVAILABLE (absent_alert).
    void reply_absent(const Session& s, std::uint64_t request_id, const std::string& alert_id);
    void resume(core::VolunteerId v, const v1::Hello& hello, bool& recovered);
    void acknowledge(core::VolunteerId v, const Session& s, std::uint64_t request_id, std::uint64_t seq);

    // Commands (hub_commands*.cpp): one handler per HubCommand case. An error result is given at once; a mutation's
    // result after the commit (its writes are in batch_), replaced by UNAVAILABLE if the commit fails.
    struct Outcome {
        v1::HubResult result;
        bool after_commit = false;
    };
    Outcome run(const v1::HubCommand& command);
    Outcome on(const v1::CreateAlert& c, const v1::Caller& caller);
    Outcome on(const v1::UpdateAlert& c, const v1::Caller& caller);
    Outcome on(const v1::CloseAlert& c, const v1::Caller& caller);
    Outcome on(const v1::ConfirmSighting& c, const v1::Caller& caller);
    Outcome on(const v1::GetAlert& c, const v1::Caller& caller);
    Outcome on(const v1::ListAlerts& c, const v1::Caller& caller);
    Outcome on(const v1::ListRecipients& c, const v1::Caller& caller);
    Outcome on(const v1::ListResponses& c, const v1::Caller& caller);
    Outcome on(const v1::ListAudit& c, const v1::Caller& caller);
    Outcome on(const v1::PutDevice& c, const v1::Caller& caller);
    Outcome on(const v1::ListDevices& c, const v1::Caller& caller);
    Outcome on(const v1::TriggerDevice& c, const v1::Caller& caller);
    Outcome on(const v1::ImportCap& c, const v1::Caller& caller);  // hub_commands_cap.cpp
    Outcome on(const v1::GetDevice& c, const v1::Caller& caller);
    // Registers (or replaces) a device from its whole description; returns the view to keep and answer with.
    core::Result<v1::Device> add_device(const v1::Device& request);
    Outcome on(const v1::ForwardAlert& c, const v1::Caller& caller);
    Outcome on(const v1::ReceivePeerEnvelope& c, const v1::Caller& caller);
    Outcome on(const v1::PeerAcknowledged& c, const v1::Caller& caller);
    Outcome on(const v1::PeerLinkChanged& c, const v1::Caller& caller);
    // The alert as a dispatcher sees it (not redacted), as a mutation's result to give after the commit.
    Outcome committed_alert(core::AlertNumber number, bool created = false) const;
    using AlertMarks = std::map<core::VolunteerId, DeliveryMarks>;
    // An alert as the queries read it (hub_stored_alerts.cpp): the engine's while it is in memory, else read back
    // from the store (a closed alert), which `stored` then owns.
    struct StoredAlert {
        core::Alert alert;
        AlertExtras extras;
        AlertMarks marks;
    };
    struct AlertView {
        const core::Alert* alert = nullptr;
        const AlertExtras* extras = nullptr;
        const AlertMarks* marks = nullptr;  // null: no marks
        std::shared_ptr<const StoredAlert> stored;
    };
    AlertView view_of(const core::Alert& alert) const;
    // nullopt: no alert of that id here; an error if the store cannot be read.
    core::Result<std::optional<AlertView>> view_alert(std::string_view id);
    // Decodes a stored alert with its recipients (and marks) and audit trail.
    core::Status load_stored_alert(const store::AlertRecord& record, StoredAlert& out);
    // What an id the engine does not hold names: an alert the store holds (it closed and left memory), or none.
    // Answered without the store for an id that was never given or is in the memo; else one store read, remembered.
    core::Result<AbsentAlerts::Known> absent_state(const std::string& id);
    // The answer to a change of an alert not in memory: ALERT_CLOSED if the store holds it (it closed and left),
    // else NOT_FOUND; UNAVAILABLE if the store cannot be read.
    v1::HubResult absent_alert(const std::string& id);
    // A mutation's result (after the commit) for an alert that may have closed and left memory since.
    Outcome committed_alert(const std::string& id);
    // Closed alerts whose closing commit is durable leave memory (forget_closed, after each durable commit).
    void forget_closed();
    // After alerts left memory: shortly after every push is acknowledged (their frames and writes are freed then),
    // or after kHeapTrimWait if some volunteer does not acknowledge, the heap's free pages go back to the kernel.
    void trim_heap_when_settled(core::Time t);
    void fill_detail(const AlertView& view, v1::AlertDetail* out) const;
    v1::AlertCounts counts(const AlertView& view) const;
    v1::AlertCounts counts(const core::Alert& alert) const { return counts(view_of(alert)); }
    // Pushes and the feed (`bounded`) carry an outline of a large area within options_.push_outline_vertices.
    void fill_alert(const core::Alert& alert, bool for_volunteer, v1::Alert* out, bool bounded = false) const;
    const AlertExtras& extras(core::AlertNumber number) const;

    // Federation, outgoing (hub_federation.cpp): what to send which peer after an alert changed, the outbox, the
    // upstream summaries. Incoming (hub_federation_receive.cpp): one handler per envelope body.
    void federate(core::AlertNumber number);
    void federate_sighting(core::AlertNumber number, std::uint64_t sighting);
    // Returns the message's place in the outbox.
    std::uint64_t enqueue_peer(const std::string& peer, v1::PeerEnvelope envelope);
    // The alert itself, an update or its close queued for a peer (at outbox place `order`): audited FORWARDED now and
    // PEER_ACKED when the peer answers; a closed alert stays in memory until every such answer is in.
    void audit_forward(core::AlertNumber number, std::uint64_t order, std::string what);
    void audit_peer_ack(const std::string& peer, core::AlertNumber number, const std::string& what,
                        const v1::FederationAck& ack);
    void flush_outbox(core::Time now);
    void send_summaries(core::Time now);
    core::Status restore_outbox();
    // A change a dispatcher may not make because the alert belongs to another city (nullopt: it is ours).
    std::optional<Outcome> refuse_if_foreign(const core::Alert& alert) const;
    v1::FederationAck receive(const v1::PeerEnvelope& envelope, const std::string& sender, bool& changed);
    v1::FederationAck receive_alert(const v1::Alert& alert, const std::string& origin,
                                    const google::protobuf::RepeatedPtrField<std::string>& path, std::uint64_t version,
                                    const std::string& sender, bool& changed);
    v1::FederationAck receive_cancel(const v1::FederatedCancel& cancel, const std::string& sender, bool& changed);
    v1::FederationAck receive_sighting(const v1::PeerEnvelope& envelope, const std::string& sender, bool& changed);
    v1::FederationAck receive_summary(const v1::PeerEnvelope& envelope, const std::string& sender, bool& changed);

    // Restart (hub_restore.cpp).
    core::Status restore();
    // The CAP book from the store's CAP message records (hub_commands_cap.cpp).
    core::Status restore_cap_book();
    // After a failed commit: forgets everything in memory (the engine, the ledger, sessions) and restores it from the
    // store, so memory and store agree again. Fails if the store cannot be read (retried by run()).
    core::Status rebuild_from_store();
    // Cluster standby (hub_standby.cpp).
    void mark_standby(core::VolunteerId v) {
        if (options_.standby_sink) standby_dirty_.insert(v);
    }
    void flush_standby(core::Time now);
    // After a commit: publishes the store's write refusal, probing it every second while it lasts (hub.cpp).
    void watch_write_refusal(core::Time now);

    HubOptions options_;
    std::unique_ptr<store::Store> store_;
    Clock clock_;
    HubMetrics* metrics_;
    HubMetrics own_metrics_;

    // Hub thread state.
    core::AlertEngine engine_;
    SkillCatalog skills_;
    NameTable teams_;
    NameTable volunteers_;
    std::unordered_map<core::AlertNumber, AlertExtras> extras_;
    std::unordered_map<core::AlertNumber, AlertMarks> marks_;
    std::unordered_map<core::AlertNumber, std::size_t> audit_saved_;
    // What was last written of each alert's snapshot (persist_alert): a record identical to it is not written again,
    // and a large area is encoded once per shape, not on every acknowledgement. `shape` pins the area it encodes,
    // so its address (large_area_identity) cannot be reused by another while it is remembered.
    struct WrittenAlert {
        const void* shape = nullptr;
        std::optional<core::geo::Area> pinned;
        std::string area_field;
        std::string rest;
    };
    std::unordered_map<core::AlertNumber, WrittenAlert> written_;
    // Recipients whose acknowledgement changed their marks since the last commit: written once per alert when the
    // batch is sealed (commit), not one alert snapshot per acknowledgement.
    std::map<core::AlertNumber, std::set<core::VolunteerId>> acked_unwritten_;
    // Closed alerts written to the current batch: they leave memory once it is durable (forget_closed).
    std::set<core::AlertNumber> closing_;
    // Ids not in memory, closed in the store or never stored (absent_state).
    AbsentAlerts absent_;
    std::optional<core::Time> heap_trim_since_;  // alerts left memory at this time; the heap is not trimmed yet
    std::optional<core::Time> heap_trim_at_;     // the pushes are acknowledged: the trim is due at this time
    std::unordered_map<core::VolunteerId, VolunteerState> volunteers_state_;
    DeliveryLedger ledger_;
    // This batch's encoded push bodies, the latest per (alert, kind).
    std::map<std::pair<core::AlertNumber, int>, std::pair<BodyKey, PushBodyPtr>> bodies_;
    FeedFanout feeds_;
    store::WriteBatch batch_;
    std::vector<std::function<void(bool)>> after_commit_;
    std::map<std::string, core::AlertNumber> idempotency_pending_;
    // Which alert each imported CAP message became (POST /v1/cap/alerts); stored with every batch that adds to it.
    federation::CapBook cap_book_;
    std::vector<std::string> device_ids_;  // registered devices, in order of registration
    // Each device as registered, defaults filled in, at its current position (a trigger's moves it).
    std::map<std::string, v1::Device, std::less<>> device_views_;
    std::vector<core::Device> configured_devices_;
    // A commit failed: nothing more is written or sent until the hub is rebuilt from the store.
    bool rebuild_needed_ = false;
    std::unordered_set<core::VolunteerId> standby_dirty_;
    core::Time next_standby_{};
    core::Time next_retry_check_{};
    core::Time next_trim_{};

    // Federation (hub thread). The outbox in memory mirrors the store's: an entry leaves both on the peer's ack.
    struct OutboxEntry {
        std::string peer;
        std::string message_id;
        std::shared_ptr<const std::string> bytes;
        core::Time next_try{};
        int attempts = 0;
        // Set for an audited forward (audit_forward): the alert and what went ("alert v1", "update v2", "close v3").
        core::AlertNumber alert = 0;
        std::string what;
    };
    // Audited forwards not yet acknowledged, by alert (forget_closed keeps such a closed alert in memory).
    std::map<core::AlertNumber, std::size_t> forwards_unacked_;
    std::map<std::uint64_t, OutboxEntry> outbox_;  // by the order queued
    std::map<std::pair<std::string, std::string>, std::uint64_t> outbox_index_;
    std::uint64_t outbox_order_ = 0;
    std::string message_prefix_;  // unique per hub start, so message ids never repeat across restarts
    std::uint64_t next_message_ = 1;
    std::set<std::string> peers_up_;
    std::set<core::AlertNumber> summary_dirty_;
    core::Time next_summary_{};

    // Cross-thread.
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::atomic<bool> ready_{false};
    mutable std::mutex refusal_mutex_;  // guards write_refusal_ (written by the hub thread, read by any)
    std::string write_refusal_;
    core::Time next_write_probe_{};  // hub thread
    std::thread thread_;
};

}  // namespace yihu::api
