#pragma once

// The replay driver's stand-in for libFuzzer's mutations: a few byte-level edits of a seed, chosen by a seeded
// generator so that a run is repeatable. No coverage feedback: it only walks a short way off the seeds' paths, which
// is what a CI smoke is for; the long runs are libFuzzer's (scripts/fuzz.sh).

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>

namespace yihu::fuzz {

class ReplayMutator {
  public:
    // Results never exceed max_size bytes (the libFuzzer runs use -max_len 65536 too).
    ReplayMutator(std::uint64_t seed, std::span<const std::string> seeds, std::size_t max_size = 65536);

    // One to four edits of `input`: flip a bit, overwrite a byte with a random or a syntax-laden one (quotes,
    // braces, digits, CR LF, NUL, 0xff), erase or duplicate a range, insert random bytes, truncate, or splice in a
    // piece of another seed.
    std::string mutate(std::string_view input);

  private:
    std::size_t below(std::size_t n);  // uniform in [0, n); 0 when n is 0
    void edit(std::string& s);

    std::mt19937_64 rng_;
    std::span<const std::string> seeds_;
    std::size_t max_size_;
};

}  // namespace yihu::fuzz
