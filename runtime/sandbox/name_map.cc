#include "runtime/sandbox/name_map.h"

#include <cstring>

#include "runtime/egress/address.h"

namespace fnguard::sandbox {
namespace {

constexpr int kReadAttempts = 4;

struct Key {
  uint64_t words[3];
};

Key MakeKey(const policy::IpAddress& address) {
  Key k{};
  k.words[0] = static_cast<uint64_t>(address.family);
  std::memcpy(&k.words[1], address.bytes.data(), 8);
  std::memcpy(&k.words[2], address.bytes.data() + 8, 8);
  return k;
}

size_t Home(const Key& k) {
  // FNV-1a over the three words.
  uint64_t h = 1469598103934665603ull;
  for (uint64_t w : k.words) {
    for (int i = 0; i < 8; ++i) {
      h ^= (w >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
  return static_cast<size_t>(h % NameMap::kSlots);
}

// Lower-case, one trailing dot removed; false when unusable.
bool NormalizeName(std::string_view name, char* out, size_t* length) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > policy::kMaxHostLength) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
    out[i] = c;
  }
  *length = name.size();
  return !policy::ParseIpAddress(std::string_view(out, *length)).has_value();
}

}  // namespace

policy::IpAddress CanonicalAddress(const policy::IpAddress& address) {
  std::optional<policy::IpAddress> v4 = egress::Ipv4MappedAddress(address);
  return v4.has_value() ? *v4 : address;
}

bool ResolvedNames::Add(const char* name, size_t length) {
  for (size_t i = 0; i < count_; ++i) {
    if (views_[i] == std::string_view(name, length)) return true;
  }
  if (count_ == kMax || length >= storage_[count_].size()) return false;
  std::memcpy(storage_[count_].data(), name, length);
  views_[count_] = std::string_view(storage_[count_].data(), length);
  ++count_;
  return true;
}

void NameMap::Record(const policy::IpAddress& raw, std::string_view name) {
  if (raw.family != 4 && raw.family != 6) return;
  char normalized[256];
  size_t length = 0;
  if (!NormalizeName(name, normalized, &length)) return;
  const Key key = MakeKey(CanonicalAddress(raw));
  const size_t home = Home(key);

  std::lock_guard<std::mutex> lock(write_mu_);
  Slot* target = nullptr;
  Slot* oldest = nullptr;
  for (size_t i = 0; i < kWindow; ++i) {
    Slot& s = slots_[(home + i) % kSlots];
    const uint64_t stamp = s.stamp.load(std::memory_order_relaxed);
    if (stamp == 0) {
      if (target == nullptr) target = &s;
      continue;
    }
    bool same = s.key[0].load(std::memory_order_relaxed) == key.words[0] &&
                s.key[1].load(std::memory_order_relaxed) == key.words[1] &&
                s.key[2].load(std::memory_order_relaxed) == key.words[2] &&
                s.name_length.load(std::memory_order_relaxed) == length;
    if (same) {
      char stored[kNameWords * 8];
      for (size_t w = 0; w < kNameWords; ++w) {
        uint64_t v = s.name[w].load(std::memory_order_relaxed);
        std::memcpy(stored + w * 8, &v, 8);
      }
      if (std::memcmp(stored, normalized, length) == 0) {
        target = &s;  // refresh it
        break;
      }
    }
    if (oldest == nullptr || stamp < oldest->stamp.load(std::memory_order_relaxed)) oldest = &s;
  }
  if (target == nullptr) target = oldest;

  char padded[kNameWords * 8] = {};
  std::memcpy(padded, normalized, length);
  const uint32_t seq = target->seq.load(std::memory_order_relaxed);
  target->seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  target->stamp.store(next_stamp_++, std::memory_order_relaxed);
  for (int w = 0; w < 3; ++w) target->key[w].store(key.words[w], std::memory_order_relaxed);
  target->name_length.store(static_cast<uint32_t>(length), std::memory_order_relaxed);
  for (size_t w = 0; w < kNameWords; ++w) {
    uint64_t v;
    std::memcpy(&v, padded + w * 8, 8);
    target->name[w].store(v, std::memory_order_relaxed);
  }
  target->seq.store(seq + 2, std::memory_order_release);
}

void NameMap::Lookup(const policy::IpAddress& raw, ResolvedNames* out) const {
  out->count_ = 0;
  if (raw.family != 4 && raw.family != 6) return;
  const Key key = MakeKey(CanonicalAddress(raw));
  const size_t home = Home(key);
  struct Found {
    uint64_t stamp;
    uint32_t length;
    char name[kNameWords * 8];
  };
  Found found[kWindow];
  size_t n = 0;
  for (size_t i = 0; i < kWindow; ++i) {
    const Slot& s = slots_[(home + i) % kSlots];
    for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
      const uint32_t seq1 = s.seq.load(std::memory_order_acquire);
      if (seq1 & 1) continue;
      const uint64_t stamp = s.stamp.load(std::memory_order_relaxed);
      const bool match = stamp != 0 && s.key[0].load(std::memory_order_relaxed) == key.words[0] &&
                         s.key[1].load(std::memory_order_relaxed) == key.words[1] &&
                         s.key[2].load(std::memory_order_relaxed) == key.words[2];
      Found f;
      f.stamp = stamp;
      f.length = 0;
      if (match) {
        f.length = s.name_length.load(std::memory_order_relaxed);
        for (size_t w = 0; w < kNameWords; ++w) {
          uint64_t v = s.name[w].load(std::memory_order_relaxed);
          std::memcpy(f.name + w * 8, &v, 8);
        }
      }
      std::atomic_thread_fence(std::memory_order_acquire);
      if (s.seq.load(std::memory_order_relaxed) != seq1) continue;  // torn: read again
      if (match && f.length > 0 && f.length <= policy::kMaxHostLength) found[n++] = f;
      break;
    }
  }
  // Most recent first.
  for (size_t i = 1; i < n; ++i) {
    for (size_t j = i; j > 0 && found[j].stamp > found[j - 1].stamp; --j) {
      Found tmp = found[j];
      found[j] = found[j - 1];
      found[j - 1] = tmp;
    }
  }
  for (size_t i = 0; i < n; ++i) out->Add(found[i].name, found[i].length);
}

void NameMap::Clear() {
  std::lock_guard<std::mutex> lock(write_mu_);
  for (Slot& s : slots_) {
    const uint32_t seq = s.seq.load(std::memory_order_relaxed);
    s.seq.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    s.stamp.store(0, std::memory_order_relaxed);
    s.seq.store(seq + 2, std::memory_order_release);
  }
}

namespace {
// Constant-initialized and trivially destructible: usable from the first
// hook call (before main, in signal handlers) until the process is gone.
constinit NameMap process_names;
}  // namespace

NameMap& ProcessNameMap() { return process_names; }

}  // namespace fnguard::sandbox
