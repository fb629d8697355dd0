#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yihu::api {

// A request path's parameters by name, in pattern order: {"id", "dongguan-1"}.
class PathParams {
  public:
    void add(std::string name, std::string value) { params_.emplace_back(std::move(name), std::move(value)); }
    // The value of a parameter the pattern names; "" for a name it does not.
    const std::string& get(std::string_view name) const {
        static const std::string kNone;
        for (const auto& [n, v] : params_) {
            if (n == name) return v;
        }
        return kNone;
    }
    std::size_t size() const { return params_.size(); }

  private:
    std::vector<std::pair<std::string, std::string>> params_;
};

// The path segments of a request target, percent-decoded one by one (so "a%2Fb" stays one segment "a/b"), without
// the query: "/v1/alerts/x?y=1" -> {"v1", "alerts", "x"}; "/" -> {}. nullopt if `target` is not origin-form.
std::optional<std::vector<std::string>> path_segments(std::string_view target);

// Routes by method and path pattern. A pattern is segments separated by '/': a literal ("alerts"), or a parameter
// "{name}" that matches any non-empty segment, optionally followed by a literal verb suffix ("{id}:resolve" matches
// "dongguan-1:resolve" with id = "dongguan-1"; Google's API style).
//
// Matching: among the patterns that match the path, only the most specific count (more literal segments first, then
// more verbs), so "x:resolve" goes to "{id}:resolve", not to "{id}" with id "x:resolve". If one of those takes the
// method it is found; if none does, the method is wrong (405, and `allow` lists the methods they take); if no pattern
// matches the path, it is not found (404).
template <typename Value>
class RouteTable {
  public:
    enum class Status { kFound, kNoSuchPath, kWrongMethod };
    struct Match {
        Status status = Status::kNoSuchPath;
        const Value* value = nullptr;  // kFound only
        PathParams params;             // kFound only
        std::string allow;             // kWrongMethod only: "GET, PATCH"
    };

    // `pattern` starts with '/'; a repeated (method, pattern) pair is a programming error (the first one wins).
    void add(std::string method, std::string_view pattern, Value value) {
        Route r{std::move(method), {}, std::move(value)};
        std::size_t i = 1;
        while (i <= pattern.size()) {
            const std::size_t j = std::min(pattern.find('/', i), pattern.size());
            r.segments.push_back(parse_segment(pattern.substr(i, j - i)));
            i = j + 1;
        }
        routes_.push_back(std::move(r));
    }

    Match match(std::string_view method, const std::vector<std::string>& path) const {
        Match m;
        int best = -1;
        std::vector<const Route*> candidates;
        for (const Route& r : routes_) {
            const int score = specificity(r, path);
            if (score < 0 || score < best) continue;
            if (score > best) candidates.clear();
            best = score;
            candidates.push_back(&r);
        }
        if (candidates.empty()) return m;
        for (const Route* r : candidates) {
            if (r->method != method) continue;
            m.status = Status::kFound;
            m.value = &r->value;
            bind(*r, path, m.params);
            return m;
        }
        m.status = Status::kWrongMethod;
        std::vector<std::string_view> listed;
        for (const Route* r : candidates) {
            if (std::find(listed.begin(), listed.end(), r->method) != listed.end()) continue;
            listed.push_back(r->method);
            if (!m.allow.empty()) m.allow += ", ";
            m.allow += r->method;
        }
        return m;
    }

  private:
    struct Segment {
        std::string literal;  // a literal segment; empty for a parameter
        std::string param;    // the parameter's name
        std::string verb;     // a parameter's ":verb" suffix, without the colon
    };
    struct Route {
        std::string method;
        std::vector<Segment> segments;
        Value value;
    };

    static Segment parse_segment(std::string_view s) {
        Segment out;
        if (s.size() < 2 || s.front() != '{') {
            out.literal = std::string(s);
            return out;
        }
        const std::size_t close = s.find('}');
        out.param = std::string(s.substr(1, close - 1));
        if (close + 1 < s.size() && s[close + 1] == ':') out.verb = std::string(s.substr(close + 2));
        return out;
    }

    // A parameter's value in `s`, or nullopt if the segment does not match.
    static std::optional<std::string_view> param_value(const Segment& seg, std::string_view s) {
        if (seg.verb.empty()) return s.empty() ? std::nullopt : std::optional(s);
        if (s.size() < seg.verb.size() + 2) return std::nullopt;
        const std::size_t colon = s.size() - seg.verb.size() - 1;
        if (s[colon] != ':' || s.substr(colon + 1) != seg.verb) return std::nullopt;
        return s.substr(0, colon);
    }

    // -1 if `r` does not match `path`; otherwise higher for more literal segments, then more verbs.
    static int specificity(const Route& r, const std::vector<std::string>& path) {
        if (r.segments.size() != path.size()) return -1;
        int literals = 0, verbs = 0;
        for (std::size_t i = 0; i < path.size(); ++i) {
            const Segment& seg = r.segments[i];
            if (seg.param.empty()) {
                if (seg.literal != path[i]) return -1;
                ++literals;
            } else {
                if (!param_value(seg, path[i])) return -1;
                if (!seg.verb.empty()) ++verbs;
            }
        }
        return literals * 64 + verbs;
    }

    static void bind(const Route& r, const std::vector<std::string>& path, PathParams& out) {
        for (std::size_t i = 0; i < path.size(); ++i) {
            const Segment& seg = r.segments[i];
            if (!seg.param.empty()) out.add(seg.param, std::string(*param_value(seg, path[i])));
        }
    }

    std::vector<Route> routes_;
};

}  // namespace yihu::api
