#include "replay_mutator.h"

#include <algorithm>
#include <array>

namespace yihu::fuzz {

namespace {

// Bytes that change how a decoder reads what follows: JSON and XML syntax, HTTP line ends, base64url's
// alphabet edges, digits and signs for numbers, protobuf wire-type and varint-continuation bits.
constexpr std::string_view kSyntax = "\"{}[],:\\<>/&;=%.-+eE09AZaz_ \r\n\t";
constexpr std::array<unsigned char, 8> kBinary = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x0a, 0x12};

}  // namespace

ReplayMutator::ReplayMutator(std::uint64_t seed, std::span<const std::string> seeds, std::size_t max_size)
    : rng_(seed), seeds_(seeds), max_size_(max_size) {}

std::size_t ReplayMutator::below(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
}

std::string ReplayMutator::mutate(std::string_view input) {
    std::string s(input);
    const std::size_t edits = 1 + below(4);
    for (std::size_t i = 0; i < edits; ++i) edit(s);
    if (s.size() > max_size_) s.resize(max_size_);
    return s;
}

void ReplayMutator::edit(std::string& s) {
    const std::size_t at = below(s.size() + 1);  // a position, the end included
    const std::size_t len = 1 + below(std::min<std::size_t>(16, s.size() - at + 1));
    switch (below(9)) {
        case 0:
            if (at < s.size()) s[at] = static_cast<char>(s[at] ^ (1u << below(8)));
            break;
        case 1:
            if (at < s.size()) s[at] = static_cast<char>(below(256));
            break;
        case 2:
            if (at < s.size()) s[at] = kSyntax[below(kSyntax.size())];
            break;
        case 3:
            if (at < s.size()) s[at] = static_cast<char>(kBinary[below(kBinary.size())]);
            break;
        case 4:
            s.erase(at, len);
            break;
        case 5:
            if (at < s.size()) s.insert(at, s.substr(at, len));
            break;
        case 6:
            for (std::size_t i = 0; i < len; ++i)
                s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), static_cast<char>(below(256)));
            break;
        case 7:
            s.resize(at);
            break;
        default: {
            if (seeds_.empty()) break;
            const std::string& other = seeds_[below(seeds_.size())];
            const std::size_t from = below(other.size() + 1);
            s = s.substr(0, at) + other.substr(from);
            break;
        }
    }
}

}  // namespace yihu::fuzz
