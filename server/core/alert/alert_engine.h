#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert/alert.h"
#include "core/alert/quiet_hours.h"
#include "core/index/matcher.h"

namespace yihu::core {

struct EngineOptions {
    IndexOptions index;
    // Alerts without an id are named "<id_prefix>-<number>".
    std::string id_prefix = "yihu";
    // A device that triggers again within this window adds to its open alert instead of raising another.
    Duration device_merge_window = std::chrono::minutes(10);
};

// The alert lifecycle: who is called, when, and what they are told. Pure logic: no I/O, no clock (every call takes
// `now`), no threads. Each call appends what must be said to volunteers and dispatchers to `fx`; the API layer
// delivers it. Calls are applied in the order made, so the same calls always give the same effects.
//
// Invariants (checked by tests/core/alert_engine_property_test.cpp):
// - a volunteer receives a given alert at most once, ever;
// - nobody off duty is alerted; non-urgent alerts wait out quiet hours;
// - every recipient of an alert gets exactly one close notice when it closes, and nothing after;
// - an alert never has more recipients than its cap.
class AlertEngine {
  public:
    explicit AlertEngine(EngineOptions options = {});

    // --- Volunteers ---
    // Records a position; alerts whose area the volunteer just walked into reach them (roaming), and accepted
    // responders' moves go to the dispatchers' feed.
    Status update_position(VolunteerId v, geo::LatLng position, double accuracy_m, Time now, Effects& fx);
    void set_profile(VolunteerId v, VolunteerProfile profile, Time now, Effects& fx);
    void set_availability(VolunteerId v, Availability availability, Time now, Effects& fx);
    void set_quiet_hours(VolunteerId v, std::optional<QuietHours> quiet);
    // The phone disconnected for good (logout) or its position must be dropped.
    void forget_position(VolunteerId v);

    // --- Alerts ---
    Result<AlertNumber> create(AlertSpec spec, Time now, Effects& fx);
    Status update(AlertNumber a, const AlertChange& change, Time now, Effects& fx);
    // final_state: kResolvedFound, kResolved or kCancelled (kExpired is the engine's own). `actor` is who closed it
    // (a dispatcher's subject), for the audit trail.
    Status close(AlertNumber a, AlertState final_state, std::string message, Time now, Effects& fx,
                 std::string_view actor = kActorSystem);
    Status respond(AlertNumber a, VolunteerId v, ResponseKind response, Time now, Effects& fx);
    Result<std::uint64_t> report_sighting(AlertNumber a, VolunteerId reporter, geo::LatLng position, std::string text,
                                          std::string photo_url, Time now, Effects& fx);
    // A sighting a neighbouring city's volunteer reported (docs/federation.md): `reporter` stands for that city, not
    // for a recipient here, so only the alert and the position are checked.
    Result<std::uint64_t> report_forwarded_sighting(AlertNumber a, VolunteerId reporter, geo::LatLng position,
                                                    std::string text, std::string photo_url, Time now, Effects& fx);
    // A dispatcher confirms a sighting: the search centre moves to it (rings follow), recipients hear of it.
    Status confirm_sighting(AlertNumber a, std::uint64_t sighting, Time now, Effects& fx,
                            std::string_view actor = kActorSystem);

    // --- Devices ---
    Status register_device(Device device);
    // Raises the device's alert, or returns its open one when it triggered within device_merge_window (an event
    // position then moves that alert's centre: a new version).
    Result<AlertNumber> trigger_device(std::string_view device_id, Time now, Effects& fx, DeviceEvent event = {});

    // --- Restart ---
    // Puts back an alert saved earlier (by the store), with its recipients, held matches and deadlines, as if it had
    // never left: active alerts are indexed again for roaming, accepted responders for the feed, a device's open
    // alert for trigger merging. Devices must be registered first. Numbers and sighting ids continue after the
    // highest restored. kConflict if the number or id is already present.
    Status restore(Alert alert);
    // Numbers continue after `highest` (the highest number ever given, e.g. of a closed alert left in the store), so
    // an alert number is never given twice even when the alerts that had them are not loaded.
    void continue_numbers_after(AlertNumber highest);

    // --- Audit ---
    // Appends an entry the engine did not cause (federation's forwards and peers' acknowledgements) to the trail of
    // an alert in memory, open or closed, at its current version. kUnknownAlert if it is not in memory.
    Status note(AlertNumber a, Time now, AuditKind kind, std::string reason, std::string_view actor = kActorSystem);

    // --- Memory ---
    // Drops a closed alert from memory (its history lives in the store). Its number is never given again; its id is
    // free again as far as the engine knows, so a caller that lets clients choose ids must check its store first.
    // kUnknownAlert if unknown, kConflict if it is still active.
    Status forget(AlertNumber a);

    // --- Time ---
    // Runs everything due at `now`: escalations, ring growth, quiet-hour releases, expiry.
    void tick(Time now, Effects& fx);
    // When tick() next has something to do; nullopt when nothing is scheduled.
    std::optional<Time> next_deadline() const;

    // --- Queries ---
    const Alert* find(AlertNumber a) const;
    const Alert* find(std::string_view id) const;
    const std::set<AlertNumber>& active() const { return active_; }
    // The highest number ever given (0: none), loaded or not: no alert has a higher one.
    AlertNumber highest_number() const { return next_number_ - 1; }
    const std::map<AlertNumber, Alert>& alerts() const { return alerts_; }
    const Matcher& matcher() const { return matcher_; }
    const Device* device(std::string_view id) const;

  private:
    Alert* find_active(AlertNumber a, Status& error);
    bool in_quiet_hours(VolunteerId v, Time now) const;
    // Appends to the trail at the alert's current version; actor as AuditEntry::actor.
    void audit(Alert& a, Time now, AuditKind kind, std::optional<VolunteerId> v, std::string reason,
               std::string_view actor = kActorSystem);
    void feed(Effects& fx, FeedEvent event);
    std::uint64_t record_sighting(Alert& a, VolunteerId reporter, geo::LatLng position, std::string text,
                                  std::string photo_url, Time now, Effects& fx);
    void bump_version(Alert& a, Time now);
    void reindex_area(Alert& a);
    void notify_recipients(Alert& a, Notice::Kind kind, Effects& fx);
    // Short of responders again (alert_engine.cpp): reopen a staffed alert; grow a nearest-first alert's cap by
    // ceil(over_alert_factor) per missing responder.
    void reopen(Alert& a, std::size_t missing, Time now);
    void grow_cap(Alert& a, std::size_t missing);
    // Drops (v, a) from the accepted-responder index that routes responder positions to the feed.
    void forget_acceptance(VolunteerId v, AlertNumber a);

    // Recruiting (alert_engine_recruit.cpp).
    enum class Admit { kDelivered, kAlreadyRecipient, kCapMet, kHeld };
    Admit consider(Alert& a, VolunteerId v, double distance_m, std::string_view reason, Time now, Effects& fx);
    void deliver(Alert& a, VolunteerId v, double distance_m, std::string_view reason, Time now, Effects& fx);
    std::size_t recruit(Alert& a, std::string_view reason, Time now, Effects& fx);
    void offer_covering_alerts(VolunteerId v, std::string_view reason, Time now, Effects& fx);
    void escalate(Alert& a, Time now, Effects& fx);
    void grow_rings(Alert& a, Time now, Effects& fx);
    void release_held(Alert& a, Time now, Effects& fx);
    void stand_down_others(Alert& a, Time now, Effects& fx);
    void finish(Alert& a, AlertState final_state, std::string message, Time now, Effects& fx, std::string_view actor);

    EngineOptions options_;
    Matcher matcher_;
    std::map<AlertNumber, Alert> alerts_;
    std::set<AlertNumber> active_;
    std::unordered_map<std::string, AlertNumber> by_id_;
    AlertNumber next_number_ = 1;
    std::uint64_t next_sighting_ = 1;

    // Active alerts get a slot in the matcher's alert-area index; slots are reused so the index stays small.
    std::vector<AlertNumber> slot_alert_;
    std::vector<AlertKey> free_slots_;
    std::unordered_map<AlertNumber, AlertKey> alert_slot_;

    std::unordered_map<VolunteerId, QuietHours> quiet_;
    std::unordered_map<VolunteerId, std::set<AlertNumber>> accepted_by_;  // for responder positions
    struct DeviceState {
        Device device;
        std::optional<AlertNumber> open_alert;
        Time last_trigger{};
    };
    std::map<std::string, DeviceState, std::less<>> devices_;

    std::vector<AlertKey> scratch_keys_;
    std::vector<Match> scratch_matches_;
};

}  // namespace yihu::core
