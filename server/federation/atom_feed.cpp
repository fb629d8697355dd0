#include "federation/atom_feed.h"

#include <algorithm>

#include "federation/cap_time.h"
#include "federation/xml_text.h"

namespace yihu::federation {

namespace {

core::Time time_of(const google::protobuf::Timestamp& t) {
    return core::time_from_ms(t.seconds() * 1000 + t.nanos() / 1'000'000);
}

// RFC 3339 as Atom wants it; CAP's "+00:00" form is RFC 3339 too.
std::string atom_time(core::Time t) {
    return format_cap_time(t);
}

}  // namespace

std::string to_atom_feed(const std::vector<v1::Alert>& alerts, const AtomFeedOptions& o, core::Time now) {
    core::Time updated = alerts.empty() ? now : core::Time{};
    for (const v1::Alert& a : alerts) updated = std::max(updated, time_of(a.updated_at()));
    std::string x;
    x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
    append_element(x, 2, "id", o.base_url + "/v1/cap/feed");
    append_element(x, 2, "title", o.title);
    append_element(x, 2, "updated", atom_time(updated));
    x += "  <author>\n";
    append_element(x, 4, "name", o.author);
    x += "  </author>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"";
    append_escaped(x, o.base_url + "/v1/cap/feed");
    x += "\"/>\n";
    for (const v1::Alert& a : alerts) {
        const std::string cap_url = o.base_url + "/v1/alerts/" + a.id() + "/cap";
        x += "  <entry>\n";
        append_element(x, 4, "id", cap_url);
        append_element(x, 4, "title", a.title().empty() ? a.id() : a.title());
        append_element(x, 4, "updated", atom_time(time_of(a.updated_at())));
        if (!a.description().empty()) append_element(x, 4, "summary", a.description());
        x += "    <link rel=\"alternate\" type=\"application/cap+xml\" href=\"";
        append_escaped(x, cap_url);
        x += "\"/>\n  </entry>\n";
    }
    x += "</feed>\n";
    return x;
}

}  // namespace yihu::federation
