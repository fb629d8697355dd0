// list, get, recipients, responses, audit: the commands that only read.

#include <cctype>
#include <iostream>
#include <vector>

#include "dispatch/alert_text.h"
#include "dispatch/command.h"
#include "tools/flags.h"
#include "tools/wire_text.h"

namespace yihu::dispatch {

namespace {

namespace po = boost::program_options;

constexpr int kMaxPages = 1000;  // 200 000 items: far beyond any one alert, but a loop must end
constexpr const char* kPageSize = "200";

std::string alert_path(const std::string& id) {
    return "/v1/alerts/" + url_encode(id);
}

// "active" or "resolved-found" -> ALERT_STATE_ACTIVE / ALERT_STATE_RESOLVED_FOUND; same scheme for kinds.
std::string enum_name(const std::string& prefix, const std::string& text) {
    std::string name = prefix;
    for (const char c : text) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

std::vector<std::string> list_values(const po::variables_map& vm, const char* flag) {
    std::vector<std::string> out;
    if (!vm.count(flag)) return out;
    for (const auto& text : vm[flag].as<std::vector<std::string>>()) {
        auto items = tools::split_list(flag, text);
        if (!items) throw UsageError(items.error().message);
        out.insert(out.end(), items->begin(), items->end());
    }
    return out;
}

po::options_description list_options() {
    po::options_description o("list options");
    // clang-format off
    o.add_options()
        ("state", po::value<std::vector<std::string>>(),
         "only these states (repeat or comma-separate): active, resolved-found, resolved, cancelled, expired")
        ("kind", po::value<std::vector<std::string>>(), "only these kinds: drowning, missing-person, ...")
        ("page-size", po::value<unsigned>()->default_value(50), "alerts per page, 1..200")
        ("page-token", po::value<std::string>(), "continue from a previous page");
    // clang-format on
    return o;
}

int run_list(CommandContext& c) {
    std::string query = "pageSize=" + std::to_string(c.vm["page-size"].as<unsigned>());
    for (const auto& state : list_values(c.vm, "state")) {
        v1::AlertState parsed;
        const std::string name = enum_name("ALERT_STATE_", state);
        if (!v1::AlertState_Parse(name, &parsed)) throw UsageError("--state: unknown state " + state);
        query += "&states=" + name;
    }
    for (const auto& kind : list_values(c.vm, "kind")) {
        v1::AlertKind parsed;
        const std::string name = enum_name("ALERT_KIND_", kind);
        if (!v1::AlertKind_Parse(name, &parsed)) throw UsageError("--kind: unknown kind " + kind);
        query += "&kinds=" + name;
    }
    if (c.vm.count("page-token")) query += "&pageToken=" + url_encode(c.vm["page-token"].as<std::string>());
    v1::ListAlertsResponse list;
    c.api.call("GET", "/v1/alerts?" + query, nullptr, &list);
    if (c.json) {
        std::cout << tools::pretty_json(list) << "\n";
        return 0;
    }
    for (const auto& detail : list.alerts()) std::cout << alert_line(detail) << "\n";
    if (list.alerts().empty()) std::cout << "no alerts\n";
    if (!list.next_page_token().empty()) std::cout << "more: --page-token " << list.next_page_token() << "\n";
    return 0;
}

po::options_description no_options() {
    return po::options_description("options");
}

int run_get(CommandContext& c) {
    v1::AlertDetail detail;
    c.api.call("GET", alert_path(c.id), nullptr, &detail);
    std::cout << (c.json ? tools::pretty_json(detail) : alert_block(detail)) << "\n";
    return 0;
}

// Every page of a list under /v1/alerts/{id}/..., appended into `all` (its next_page_token cleared).
template <class Page, class Items>
void fetch_all(CommandContext& c, const std::string& what, Page& all, Items (Page::*items)()) {
    std::string token;
    for (int page = 0; page < kMaxPages; ++page) {
        Page one;
        std::string target = alert_path(c.id) + "/" + what + "?pageSize=" + kPageSize;
        if (!token.empty()) target += "&pageToken=" + url_encode(token);
        c.api.call("GET", target, nullptr, &one);
        if (page == 0) {
            all = one;
        } else {
            (all.*items)()->MergeFrom(*(one.*items)());
        }
        token = one.next_page_token();
        if (token.empty()) break;
    }
    all.clear_next_page_token();
}

int run_recipients(CommandContext& c) {
    v1::RecipientsResponse all;
    fetch_all(c, "recipients", all, &v1::RecipientsResponse::mutable_recipients);
    if (c.json) {
        std::cout << tools::pretty_json(all) << "\n";
        return 0;
    }
    const std::vector<v1::Recipient> rows(all.recipients().begin(), all.recipients().end());
    std::size_t accepted = 0, declined = 0, acked = 0, stood_down = 0;
    for (const auto& r : rows) {
        accepted += r.response() == v1::RESPONSE_KIND_ACCEPT ? 1 : 0;
        declined += r.response() == v1::RESPONSE_KIND_DECLINE ? 1 : 0;
        acked += r.has_acked_at() ? 1 : 0;
        stood_down += r.stood_down() ? 1 : 0;
    }
    std::cout << recipients_table(rows) << "\n"
              << rows.size() << " recipients of " << all.alert_id() << ": " << acked << " acked, " << accepted
              << " accepted, " << declined << " declined, " << stood_down << " stood down\n";
    return 0;
}

int run_responses(CommandContext& c) {
    v1::ResponsesResponse all;
    fetch_all(c, "responses", all, &v1::ResponsesResponse::mutable_responses);
    if (c.json) {
        std::cout << tools::pretty_json(all) << "\n";
        return 0;
    }
    for (const auto& r : all.responses()) std::cout << response_line(r) << "\n";
    if (all.responses().empty()) std::cout << "no responses to " << all.alert_id() << " yet\n";
    return 0;
}

int run_audit(CommandContext& c) {
    v1::AuditTrailResponse all;
    fetch_all(c, "audit", all, &v1::AuditTrailResponse::mutable_events);
    if (c.json) {
        std::cout << tools::pretty_json(all) << "\n";
        return 0;
    }
    for (const auto& e : all.events()) std::cout << audit_line(e) << "\n";
    return 0;
}

constexpr CommandSpec kCommands[] = {
    {"list", "[--state active] [--kind drowning]", "alerts, newest first, with their counts", false, list_options,
     run_list},
    {"get", "ID", "one alert and its counts", true, no_options, run_get},
    {"recipients", "ID", "who was sent the alert: delivered, acked, answer, role", true, no_options, run_recipients},
    {"responses", "ID", "every answer, oldest first", true, no_options, run_responses},
    {"audit", "ID", "the alert's audit trail", true, no_options, run_audit},
};

}  // namespace

std::span<const CommandSpec> query_commands() {
    return kCommands;
}

}  // namespace yihu::dispatch
