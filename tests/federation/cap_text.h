#pragma once

// Small CAP 1.2 documents for tests, built field by field so each test states only what it is about.

#include <string>
#include <vector>

namespace yihu::testing {

struct CapText {
    std::string identifier = "msg-1";
    std::string sender = "alerts@jinan.example.cn";
    std::string sent = "2026-12-02T08:00:00+08:00";
    std::string status = "Actual";
    std::string msg_type = "Alert";
    std::string references;  // empty: left out
    std::string note;
    std::string language = "zh-CN";
    std::string category = "Rescue";
    std::string event = "Drowning";
    std::string urgency = "Immediate";
    std::string expires = "2026-12-02T12:00:00+08:00";  // empty: left out
    std::string headline = "Person in the water at Daming Lake";
    std::string description = "A man fell in near the north gate.";
    // Raw XML of the <area> blocks.
    std::vector<std::string> areas = {
        "<area><areaDesc>Daming Lake</areaDesc><circle>36.675,117.02 1.5</circle></area>"};
    bool with_info = true;

    std::string xml() const {
        std::string x =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">";
        x += "<identifier>" + identifier + "</identifier><sender>" + sender + "</sender><sent>" + sent + "</sent>";
        x += "<status>" + status + "</status><msgType>" + msg_type + "</msgType><scope>Public</scope>";
        if (!note.empty()) x += "<note>" + note + "</note>";
        if (!references.empty()) x += "<references>" + references + "</references>";
        if (with_info) {
            x += "<info><language>" + language + "</language><category>" + category + "</category><event>" + event +
                 "</event><urgency>" + urgency + "</urgency><severity>Severe</severity><certainty>Observed</certainty>";
            if (!expires.empty()) x += "<expires>" + expires + "</expires>";
            x += "<headline>" + headline + "</headline><description>" + description + "</description>";
            for (const std::string& a : areas) x += a;
            x += "</info>";
        }
        x += "</alert>\n";
        return x;
    }
};

}  // namespace yihu::testing
