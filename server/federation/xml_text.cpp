#include "federation/xml_text.h"

#include <charconv>

namespace yihu::federation {

namespace {

// The replacement for a character that cannot stand as itself, "" to drop it, or nullptr to keep it.
const char* escape_of(char c) {
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        case '\'':
            return "&apos;";
        case '\t':
        case '\n':
        case '\r':
            return nullptr;
        default:
            return static_cast<unsigned char>(c) < 0x20 ? "" : nullptr;
    }
}

}  // namespace

// Appends runs of plain characters at once: a polygon's text is hundreds of kilobytes with nothing to escape.
void append_escaped(std::string& out, std::string_view text) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char* replacement = escape_of(text[i]);
        if (replacement == nullptr) continue;
        out.append(text.substr(run, i - run));
        out += replacement;
        run = i + 1;
    }
    out.append(text.substr(run));
}

void append_element(std::string& out, int indent, std::string_view name, std::string_view text) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += '<';
    out += name;
    out += '>';
    append_escaped(out, text);
    out += "</";
    out += name;
    out += ">\n";
}

void append_decimal(std::string& out, double v) {
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec == std::errc{}) {
        out.append(buf, end);
    } else {
        out += '0';
    }
}

std::string decimal(double v) {
    std::string out;
    append_decimal(out, v);
    return out;
}

}  // namespace yihu::federation
