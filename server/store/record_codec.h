#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace yihu::store {

// A minimal binary record format for stores that keep a row as one opaque value (the Redis store): fixed 8-byte
// little-endian integers and length-prefixed byte strings, read back in the order written. Any byte (NUL included)
// round-trips. A truncated or garbled value makes the reader fail instead of inventing fields.
class RecordWriter {
  public:
    RecordWriter& u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
        return *this;
    }
    RecordWriter& i64(std::int64_t v) { return u64(static_cast<std::uint64_t>(v)); }
    RecordWriter& bytes(std::string_view s) {
        u64(s.size());
        out_.append(s);
        return *this;
    }
    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

class RecordReader {
  public:
    explicit RecordReader(std::string_view in) : in_(in) {}

    bool u64(std::uint64_t& v) {
        if (in_.size() < 8) return fail();
        v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
        in_.remove_prefix(8);
        return true;
    }
    bool i64(std::int64_t& v) {
        std::uint64_t u = 0;
        if (!u64(u)) return false;
        v = static_cast<std::int64_t>(u);
        return true;
    }
    bool bytes(std::string& s) {
        std::uint64_t n = 0;
        if (!u64(n) || n > in_.size()) return fail();
        s.assign(in_.data(), n);
        in_.remove_prefix(n);
        return true;
    }
    // True when every field was read and nothing is left over.
    bool done() const { return ok_ && in_.empty(); }

  private:
    bool fail() {
        ok_ = false;
        return false;
    }
    std::string_view in_;
    bool ok_ = true;
};

}  // namespace yihu::store
